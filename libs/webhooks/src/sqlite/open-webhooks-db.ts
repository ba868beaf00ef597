import Database from 'better-sqlite3';
import { join } from 'node:path';
import { preparePrivateSqliteFile } from '@ledger/private-files';

/** The webhooks' file in DATA_DIR: subscriptions, deliveries and the enqueuer's checkpoint. */
export function webhooksDbPath(dataDir: string): string {
  return join(dataDir, 'webhooks.sqlite');
}

/**
 * Opens (creating, mode 0600) a webhooks SQLite file: WAL, synchronous=FULL (an acknowledged
 * enqueue survives a crash), secure_delete (a removed subscription's sealed secret is zeroed),
 * and a busy timeout for the other processes that share the file.
 */
export function openWebhooksDb(filePath: string): Database.Database {
  preparePrivateSqliteFile(filePath);
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
