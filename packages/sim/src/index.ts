export * from './interchange.writer';
export * from './random';
export * from './shop.generator';
export * from './shop.types';
