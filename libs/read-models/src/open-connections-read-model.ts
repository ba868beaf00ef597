import { securePrivateDir } from '@ledger/private-files';
import { join } from 'node:path';
import type { ConnectionsReadModel } from './connections-read-model.port';
import { MongoConnectionsReadModel } from './mongo/mongo-connections-read-model';
import { SqliteConnectionsReadModel } from './sqlite/sqlite-connections-read-model';

export interface ReadModelConfig {
  /** MONGODB_URI: when set, the read model lives in MongoDB. */
  mongodbUri?: string;
  mongodbDbName?: string;
  /** DATA_DIR: otherwise the read model is a SQLite file there. */
  dataDir: string;
}

export const DEFAULT_MONGODB_DB_NAME = 'connection_ledger';
export const READ_MODEL_FILE = 'read-models.sqlite';

/** Opens the read model the configuration asks for (ARCHITECTURE.md, "Storage"). */
export async function openConnectionsReadModel(
  config: ReadModelConfig,
): Promise<ConnectionsReadModel> {
  if (config.mongodbUri) {
    return MongoConnectionsReadModel.open({
      uri: config.mongodbUri,
      dbName: config.mongodbDbName ?? DEFAULT_MONGODB_DB_NAME,
    });
  }
  securePrivateDir(config.dataDir);
  return SqliteConnectionsReadModel.open({ sqlitePath: join(config.dataDir, READ_MODEL_FILE) });
}
