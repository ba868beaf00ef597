export * from './lease-store.port';
export * from './lease-keeper';
export * from './open-lease-store';
export { SqliteLeaseStore, LEASES_FILE } from './sqlite/sqlite-lease-store';
export { MongoLeaseStore, LEASES_COLLECTION } from './mongo/mongo-lease-store';
export type { MongoLeaseStoreOptions } from './mongo/mongo-lease-store';
export { holderIsGone, processInstanceId } from './process-liveness';
