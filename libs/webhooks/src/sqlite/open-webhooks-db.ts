import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDurableSqlite } from '@ledger/stores';

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
  return openDurableSqlite(filePath, { secureDelete: true });
}
