import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { describeInvariantsUnderConcurrency } from './contract/invariants.contract';

describeInvariantsUnderConcurrency('SqliteEventStore (one process)', async () => {
  const dir = makeTempDir('ledger-invariants-');
  const store = new SqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  return {
    stores: [store],
    close: async () => {
      await store.close();
      dir.remove();
    },
  };
});

// Two API processes on one file: each has its own store client, command services and caches.
describeInvariantsUnderConcurrency('two SqliteEventStore instances on one file', async () => {
  const dir = makeTempDir('ledger-invariants-');
  const path = join(dir.path, 'events.sqlite');
  const stores = [new SqliteEventStore({ path }), new SqliteEventStore({ path })];
  return {
    stores,
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
      dir.remove();
    },
  };
});
