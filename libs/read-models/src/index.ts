export * from './connections-read-model.port';
