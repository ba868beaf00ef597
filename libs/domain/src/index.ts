export * from './platform';
export * from './plan';
export * from './errors';
export * from './events';
