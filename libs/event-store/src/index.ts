export * from './event-store.port';
export * from './deterministic-id';
