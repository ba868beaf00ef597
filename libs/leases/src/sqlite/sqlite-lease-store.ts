import type Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  assertLeaseArguments,
  assertValidNow,
  type AcquireOptions,
  type Lease,
  type LeaseStore,
} from '../lease-store.port';
import { openDurableSqlite } from '@ledger/stores';

interface LeaseRow {
  name: string;
  holder: string;
  token: number;
  expires_at: number;
  released: number;
}

/** The lease file in DATA_DIR. */
export const LEASES_FILE = 'leases.sqlite';

/**
 * LeaseStore in a SQLite file (WAL, synchronous=FULL): one process, or several sharing the file
 * on one host. One row per name keeps the current (or last) lease and, through it, the highest
 * token ever handed out for the name, so tokens never repeat even after a release. Every
 * operation is one `BEGIN IMMEDIATE` transaction, which takes the file's write lock before
 * reading, so no other process can read or write the row between our check and our write.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;
  private readonly acquireTx: (
    name: string,
    holder: string,
    ttlMs: number,
    nowMs: number,
    holderIsGone?: (holder: string) => boolean,
  ) => Lease | null;
  private readonly renewTx: (lease: Lease, ttlMs: number, nowMs: number) => Lease | null;
  private readonly releaseTx: (lease: Lease) => void;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        token INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0
      );
    `);
    const select = this.db.prepare<[string], LeaseRow>('SELECT * FROM leases WHERE name = ?');
    const upsert = this.db.prepare(
      `INSERT INTO leases (name, holder, token, expires_at, released) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder, token = excluded.token,
         expires_at = excluded.expires_at, released = 0`,
    );
    const extend = this.db.prepare('UPDATE leases SET expires_at = ? WHERE name = ?');
    const free = this.db.prepare('UPDATE leases SET released = 1 WHERE name = ?');
    /** The row when it is `lease`'s and still in force (not released; unexpired at `nowMs`). */
    const current = (lease: Lease, nowMs: number) => {
      const row = select.get(lease.name);
      return row &&
        row.released === 0 &&
        row.token === lease.token &&
        row.holder === lease.holder &&
        row.expires_at > nowMs
        ? row
        : undefined;
    };

    const acquire = this.db.transaction(
      (
        name: string,
        holder: string,
        ttlMs: number,
        nowMs: number,
        holderIsGone?: (holder: string) => boolean,
      ): Lease | null => {
        const row = select.get(name);
        const held = row && row.released === 0 && row.expires_at > nowMs;
        // Asked under the write lock: the row cannot change between the check and the takeover.
        if (held && !holderIsGone?.(row.holder)) return null;
        const token = (row?.token ?? 0) + 1;
        const expiresAt = nowMs + ttlMs;
        upsert.run(name, holder, token, expiresAt);
        return { name, holder, token, expiresAt: new Date(expiresAt) };
      },
    );
    const renew = this.db.transaction((lease: Lease, ttlMs: number, nowMs: number) => {
      if (!current(lease, nowMs)) return null;
      const expiresAt = nowMs + ttlMs;
      extend.run(expiresAt, lease.name);
      return { ...lease, expiresAt: new Date(expiresAt) };
    });
    const release = this.db.transaction((lease: Lease) => {
      const row = select.get(lease.name);
      if (row && row.released === 0 && row.token === lease.token) free.run(lease.name);
    });
    this.acquireTx = (...args) => acquire.immediate(...args);
    this.renewTx = (...args) => renew.immediate(...args);
    this.releaseTx = (lease) => release.immediate(lease);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteLeaseStore {
    return new SqliteLeaseStore(sqlitePath);
  }

  /** The store's file in DATA_DIR: `DATA_DIR/leases.sqlite`. */
  static inDataDir(dataDir: string): SqliteLeaseStore {
    return new SqliteLeaseStore(join(dataDir, LEASES_FILE));
  }

  async acquire(
    name: string,
    holder: string,
    ttlMs: number,
    now: Date,
    options?: AcquireOptions,
  ): Promise<Lease | null> {
    assertLeaseArguments(name, holder, ttlMs);
    return this.acquireTx(name, holder, ttlMs, assertValidNow(now), options?.holderIsGone);
  }

  async renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null> {
    assertLeaseArguments(lease.name, lease.holder, ttlMs);
    return this.renewTx(lease, ttlMs, assertValidNow(now));
  }

  async release(lease: Lease): Promise<void> {
    this.releaseTx(lease);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Nest calls this on shutdown when the store is a provider. */
  onApplicationShutdown(): void {
    this.close();
  }
}
