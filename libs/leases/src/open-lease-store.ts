import type { Connection } from 'mongoose';
import type { LeaseStore } from './lease-store.port';
import { MongoLeaseStore } from './mongo/mongo-lease-store';
import { SqliteLeaseStore } from './sqlite/sqlite-lease-store';

export interface LeaseStoreConfig {
  /** DATA_DIR: without MongoDB, leases live in `DATA_DIR/leases.sqlite`. */
  dataDir: string;
  /** MONGODB_URI: when set (or a connection is given), leases live in MongoDB. */
  mongodbUri?: string;
  mongodbDbName?: string;
  /** A mongoose connection to share (the caller keeps and closes it). */
  mongoConnection?: Connection;
}

export interface OpenedLeaseStore {
  store: LeaseStore;
  close(): Promise<void>;
}

/**
 * Opens the lease store the configuration asks for (ARCHITECTURE.md, "Storage" and "Scaling
 * out"): MongoDB when the read models live there, so every worker on every host competes in
 * one place; otherwise a SQLite file in DATA_DIR, shared by the processes of one host.
 */
export async function openLeaseStore(config: LeaseStoreConfig): Promise<OpenedLeaseStore> {
  if (config.mongoConnection || config.mongodbUri) {
    const store = await MongoLeaseStore.open(
      config.mongoConnection
        ? { mongo: config.mongoConnection }
        : {
            uri: config.mongodbUri as string,
            dbName: config.mongodbDbName ?? 'connection_ledger',
          },
    );
    return { store, close: () => store.close() };
  }
  const store = SqliteLeaseStore.inDataDir(config.dataDir);
  return { store, close: async () => store.close() };
}
