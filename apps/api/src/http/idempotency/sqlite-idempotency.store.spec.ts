import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { SqliteIdempotencyStore } from './sqlite-idempotency.store';

idempotencyStoreContract('SqliteIdempotencyStore', async () => {
  const dir = makeTempDir('ledger-idem-');
  const store = new SqliteIdempotencyStore(join(dir.path, 'nested', 'idempotency.sqlite'));
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
      const first = SqliteIdempotencyStore.inDataDir(dir.path);
      const claim = await first.claim('k', 'fp', now, later);
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      await first.complete('k', claim.token, { status: 201, headers: {}, body: { ok: 1 } }, later);
      first.close();
      const second = SqliteIdempotencyStore.inDataDir(dir.path);
      expect(await second.claim('k', 'fp', now, later)).toMatchObject({
        kind: 'completed',
        response: { body: { ok: 1 } },
      });
      second.close();
    } finally {
      dir.remove();
    }
  });
});
