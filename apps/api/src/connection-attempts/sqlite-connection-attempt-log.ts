import type Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  assertLimitAndWindow,
  decide,
  type AttemptDecision,
  type ConnectionAttemptKey,
  type ConnectionAttemptLog,
} from './connection-attempt-log.port';
import { openDurableSqlite } from '@ledger/stores';

/**
 * ConnectionAttemptLog in a SQLite file (WAL): one process, or several sharing the file on one
 * host. Each decision is one `BEGIN IMMEDIATE` transaction, which takes the file's write lock
 * before counting, so no other process can count or insert between our count and our insert.
 */
export class SqliteConnectionAttemptLog implements ConnectionAttemptLog {
  private readonly db: Database.Database;
  private readonly recordTx: (
    workspaceId: string,
    userId: string,
    nowMs: number,
    limit: number,
    windowMs: number,
  ) => AttemptDecision;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS connection_attempts (
        id INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        attempted_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS connection_attempts_key
        ON connection_attempts (workspace_id, user_id, attempted_at);
      CREATE INDEX IF NOT EXISTS connection_attempts_attempted_at
        ON connection_attempts (attempted_at);
    `);
    const prune = this.db.prepare('DELETE FROM connection_attempts WHERE attempted_at <= ?');
    const inWindow = this.db
      .prepare(
        `SELECT attempted_at FROM connection_attempts
         WHERE workspace_id = ? AND user_id = ? AND attempted_at > ?
         ORDER BY attempted_at`,
      )
      .pluck();
    const insert = this.db.prepare(
      'INSERT INTO connection_attempts (workspace_id, user_id, attempted_at) VALUES (?, ?, ?)',
    );
    const transaction = this.db.transaction(
      (
        workspaceId: string,
        userId: string,
        nowMs: number,
        limit: number,
        windowMs: number,
      ): AttemptDecision => {
        const cutoff = nowMs - windowMs;
        // Everyone's attempts that left the window (the index keeps this to the rows deleted).
        prune.run(cutoff);
        const times = inWindow.all(workspaceId, userId, cutoff) as number[];
        const decision = decide(times, nowMs, limit, windowMs);
        if (decision.allowed) insert.run(workspaceId, userId, nowMs);
        return decision;
      },
    );
    this.recordTx = (...args) => transaction.immediate(...args);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteConnectionAttemptLog {
    return new SqliteConnectionAttemptLog(sqlitePath);
  }

  /** The log's file in DATA_DIR: `DATA_DIR/connection-attempts.sqlite`. */
  static inDataDir(dataDir: string): SqliteConnectionAttemptLog {
    return new SqliteConnectionAttemptLog(join(dataDir, 'connection-attempts.sqlite'));
  }

  async recordIfAllowed(
    key: ConnectionAttemptKey,
    now: Date,
    limit: number,
    windowMs: number,
  ): Promise<AttemptDecision> {
    assertLimitAndWindow(limit, windowMs);
    return this.recordTx(key.workspaceId, key.userId, now.getTime(), limit, windowMs);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Nest calls this on shutdown when the log is bound by connectionAttemptProviders(). */
  onApplicationShutdown(): void {
    this.close();
  }
}
