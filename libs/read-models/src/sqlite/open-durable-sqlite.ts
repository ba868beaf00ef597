import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '@ledger/private-files';

/**
 * A SQLite file for a store whose writes are acknowledged to someone: WAL so readers do not
 * block the writer, synchronous=FULL so an acknowledged write survives a crash, and a busy
 * timeout so a second process waits for the lock instead of failing.
 */
export function openDurableSqlite(filePath: string): Database.Database {
  preparePrivateSqliteFile(filePath);
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
