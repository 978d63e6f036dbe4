export * from './app';
export * from './main';
export * from './runtime';
export * from './testing/test-runtime';
