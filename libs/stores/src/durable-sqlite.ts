import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '@ledger/private-files';

export interface DurableSqliteOptions {
  /**
   * FULL (default): the WAL is fsynced at every commit, so an acknowledged write survives a
   * crash or power loss. NORMAL only for a store rebuilt from the events anyway.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Zero deleted pages (a removed secret or token leaves no bytes behind in the file). */
  secureDelete?: boolean;
}

/**
 * Opens (creating, mode 0600 in a 0700 directory) the SQLite file of a store whose writes are
 * acknowledged to someone: a busy timeout so a second process waits for the lock instead of
 * failing, WAL so readers do not block the writer, and synchronous=FULL. Every SQLite store
 * opens its file here (docs/decisions/0016).
 */
export function openDurableSqlite(
  filePath: string,
  options: DurableSqliteOptions = {},
): Database.Database {
  preparePrivateSqliteFile(filePath);
  const db = new Database(filePath);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  if (options.secureDelete) db.pragma('secure_delete = ON');
  return db;
}
