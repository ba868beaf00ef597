import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { SqliteIdempotencyStore } from './sqlite-idempotency.store';

idempotencyStoreContract('SqliteIdempotencyStore', async () => {
  const dir = makeTempDir('ledger-idem-');
  const store = SqliteIdempotencyStore.open({
    sqlitePath: join(dir.path, 'nested', 'idempotency.sqlite'),
  });
  return {
    store,
    close: async () => {
      store.close();
      dir.remove();
    },
  };
});

describe('SqliteIdempotencyStore on disk', () => {
  it('keeps records across reopening the file', async () => {
    const dir = makeTempDir('ledger-idem-');
    try {
      const now = new Date();
      const later = new Date(now.getTime() + 60_000);
      const first = SqliteIdempotencyStore.open({
        sqlitePath: join(dir.path, 'idempotency.sqlite'),
      });
      const claim = await first.claim('k', 'fp', now, later);
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      await first.complete('k', claim.token, { status: 201, headers: {}, body: { ok: 1 } }, later);
      first.close();
      const second = SqliteIdempotencyStore.open({
        sqlitePath: join(dir.path, 'idempotency.sqlite'),
      });
      expect(await second.claim('k', 'fp', now, later)).toMatchObject({
        kind: 'completed',
        response: { body: { ok: 1 } },
      });
      second.close();
    } finally {
      dir.remove();
    }
  });

  it('opens a file written before claims recorded their holder; such a claim is never judged gone', async () => {
    const dir = makeTempDir('ledger-idem-');
    try {
      const file = join(dir.path, 'idempotency.sqlite');
      const old = new Database(file);
      old.exec(`
        CREATE TABLE idempotency_records (
          id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, token TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
          response TEXT, expires_at INTEGER NOT NULL
        );
        INSERT INTO idempotency_records VALUES ('k', 'fp', 't', 'in_flight', NULL, 5000);
      `);
      old.close();
      const store = SqliteIdempotencyStore.open({ sqlitePath: file });
      const everyoneGone = { holder: 'me', holderIsGone: () => true };
      expect(await store.claim('k', 'fp', new Date(1000), new Date(4000), everyoneGone)).toEqual({
        kind: 'in_flight',
        fingerprint: 'fp',
        leaseUntil: new Date(5000),
      });
      expect((await store.claim('k', 'fp', new Date(5000), new Date(8000))).kind).toBe('claimed');
      store.close();
    } finally {
      dir.remove();
    }
  });
});
