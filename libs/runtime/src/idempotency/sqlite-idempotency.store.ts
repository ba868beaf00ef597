import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type {
  Claimant,
  ClaimOutcome,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.port';
import { openDurableSqlite } from '@ledger/stores';

interface Row {
  fingerprint: string;
  token: string;
  holder: string;
  state: 'in_flight' | 'completed';
  response: string | null;
  expires_at: number;
}

/** IdempotencyStore in a SQLite file: one process, or several sharing the file on one host. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly claimTx: (
    id: string,
    fp: string,
    now: number,
    lease: number,
    claimant?: Claimant,
  ) => ClaimOutcome;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency_records (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        token TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
        response TEXT,
        expires_at INTEGER NOT NULL,
        holder TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX IF NOT EXISTS idempotency_records_expires_at
        ON idempotency_records (expires_at);
    `);
    addHolderColumn(this.db);
    const deleteExpired = this.db.prepare(
      'DELETE FROM idempotency_records WHERE id = ? AND expires_at <= ?',
    );
    const deleteClaim = this.db.prepare(
      `DELETE FROM idempotency_records WHERE id = ? AND token = ? AND state = 'in_flight'`,
    );
    const insert = this.db.prepare(
      `INSERT INTO idempotency_records (id, fingerprint, token, state, expires_at, holder)
       VALUES (?, ?, ?, 'in_flight', ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const select = this.db.prepare<[string], Row>(
      `SELECT fingerprint, token, holder, state, response, expires_at
       FROM idempotency_records WHERE id = ?`,
    );
    const transaction = this.db.transaction(
      (
        id: string,
        fingerprint: string,
        now: number,
        lease: number,
        claimant?: Claimant,
      ): ClaimOutcome => {
        deleteExpired.run(id, now);
        const held = select.get(id);
        // A claim whose process died is taken over like an expired one (under the write lock).
        if (held?.state === 'in_flight' && held.holder && claimant?.holderIsGone?.(held.holder)) {
          deleteClaim.run(id, held.token);
        }
        const token = randomUUID();
        if (insert.run(id, fingerprint, token, lease, claimant?.holder ?? '').changes === 1)
          return { kind: 'claimed', token };
        const row = select.get(id) as Row;
        return row.state === 'completed'
          ? {
              kind: 'completed',
              fingerprint: row.fingerprint,
              response: JSON.parse(row.response ?? 'null') as StoredResponse,
            }
          : {
              kind: 'in_flight',
              fingerprint: row.fingerprint,
              leaseUntil: new Date(row.expires_at),
            };
      },
    );
    // IMMEDIATE takes the write lock up front, so processes sharing the file never interleave.
    this.claimTx = (...args) => transaction.immediate(...args);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteIdempotencyStore {
    return new SqliteIdempotencyStore(sqlitePath);
  }

  async claim(
    id: string,
    fingerprint: string,
    now: Date,
    leaseUntil: Date,
    claimant?: Claimant,
  ): Promise<ClaimOutcome> {
    return this.claimTx(id, fingerprint, now.getTime(), leaseUntil.getTime(), claimant);
  }

  async renew(id: string, token: string, leaseUntil: Date): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE idempotency_records SET expires_at = ?
           WHERE id = ? AND token = ? AND state = 'in_flight'`,
        )
        .run(leaseUntil.getTime(), id, token).changes === 1
    );
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

/** Files written before claims recorded their holder get the column (empty: never judged gone). */
function addHolderColumn(db: Database.Database): void {
  const columns = db.pragma('table_info(idempotency_records)') as { name: string }[];
  if (!columns.some((column) => column.name === 'holder')) {
    db.exec(`ALTER TABLE idempotency_records ADD COLUMN holder TEXT NOT NULL DEFAULT ''`);
  }
}
