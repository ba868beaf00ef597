import { join } from 'node:path';
import type { Connection } from 'mongoose';
import type { AuditStore } from './audit.port';
import { MongoAuditStore } from './mongo-audit.store';
import { SqliteAuditStore } from './sqlite-audit.store';

export const AUDIT_FILE = 'audit.sqlite';

/** MongoDB when the read models live there (a shared connection), else DATA_DIR/audit.sqlite. */
export async function openAuditStore(config: {
  dataDir: string;
  mongoConnection?: Connection | null;
}): Promise<AuditStore> {
  if (config.mongoConnection) return MongoAuditStore.open({ mongo: config.mongoConnection });
  return SqliteAuditStore.open({ sqlitePath: join(config.dataDir, AUDIT_FILE) });
}
