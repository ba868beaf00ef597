import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ClaimOutcome, IdempotencyStore, StoredResponse } from './idempotency-store.port';
import { preparePrivateSqliteFile } from '@ledger/private-files';

interface Row {
  fingerprint: string;
  state: 'in_flight' | 'completed';
  response: string | null;
}

/** IdempotencyStore in a SQLite file: one process, or several sharing the file on one host. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly claimTx: (id: string, fp: string, now: number, lease: number) => ClaimOutcome;

  constructor(filePath: string) {
    preparePrivateSqliteFile(filePath);
    this.db = new Database(filePath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency_records (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        token TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
        response TEXT,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS idempotency_records_expires_at
        ON idempotency_records (expires_at);
    `);
    const deleteExpired = this.db.prepare(
      'DELETE FROM idempotency_records WHERE id = ? AND expires_at <= ?',
    );
    const insert = this.db.prepare(
      `INSERT INTO idempotency_records (id, fingerprint, token, state, expires_at)
       VALUES (?, ?, ?, 'in_flight', ?) ON CONFLICT (id) DO NOTHING`,
    );
    const select = this.db.prepare(
      'SELECT fingerprint, state, response FROM idempotency_records WHERE id = ?',
    );
    const transaction = this.db.transaction(
      (id: string, fingerprint: string, now: number, lease: number): ClaimOutcome => {
        deleteExpired.run(id, now);
        const token = randomUUID();
        if (insert.run(id, fingerprint, token, lease).changes === 1)
          return { kind: 'claimed', token };
        const row = select.get(id) as Row;
        return row.state === 'completed'
          ? {
              kind: 'completed',
              fingerprint: row.fingerprint,
              response: JSON.parse(row.response ?? 'null') as StoredResponse,
            }
          : { kind: 'in_flight', fingerprint: row.fingerprint };
      },
    );
    // IMMEDIATE takes the write lock up front, so processes sharing the file never interleave.
    this.claimTx = (...args) => transaction.immediate(...args);
  }

  /** The store's file in DATA_DIR. */
  static inDataDir(dataDir: string): SqliteIdempotencyStore {
    return new SqliteIdempotencyStore(join(dataDir, 'idempotency.sqlite'));
  }

  async claim(id: string, fingerprint: string, now: Date, leaseUntil: Date): Promise<ClaimOutcome> {
    return this.claimTx(id, fingerprint, now.getTime(), leaseUntil.getTime());
  }

  async complete(
    id: string,
    token: string,
    response: StoredResponse,
    expiresAt: Date,
  ): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE idempotency_records SET state = 'completed', response = ?, expires_at = ?
         WHERE id = ? AND token = ? AND state = 'in_flight'`,
      )
      .run(JSON.stringify(response), expiresAt.getTime(), id, token);
    return result.changes === 1;
  }

  async release(id: string, token: string): Promise<void> {
    this.db
      .prepare(`DELETE FROM idempotency_records WHERE id = ? AND token = ? AND state = 'in_flight'`)
      .run(id, token);
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.db
      .prepare('DELETE FROM idempotency_records WHERE expires_at <= ?')
      .run(now.getTime()).changes;
  }

  close(): void {
    this.db.close();
  }
}
