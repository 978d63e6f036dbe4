export * from './shared/errors';
export * from './shared/ports';
