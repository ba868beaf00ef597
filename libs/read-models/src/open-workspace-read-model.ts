import { securePrivateDir } from '@ledger/private-files';
import { join } from 'node:path';
import type { WorkspaceReadModel } from './workspace-read-model.port';
import { MongoWorkspaceReadModel } from './mongo/mongo-workspace-read-model';
import { SqliteWorkspaceReadModel } from './sqlite/sqlite-workspace-read-model';

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
export async function openWorkspaceReadModel(config: ReadModelConfig): Promise<WorkspaceReadModel> {
  if (config.mongodbUri) {
    return MongoWorkspaceReadModel.open({
      uri: config.mongodbUri,
      dbName: config.mongodbDbName ?? DEFAULT_MONGODB_DB_NAME,
    });
  }
  securePrivateDir(config.dataDir);
  return SqliteWorkspaceReadModel.open({ sqlitePath: join(config.dataDir, READ_MODEL_FILE) });
}
