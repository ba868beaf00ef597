import { EsdbEventStore } from '@ledger/event-store';
import { FakeEventStoreDb } from '@ledger/event-store/eventstoredb/testing/fake-eventstoredb';
import { describeInvariantsUnderConcurrency } from './contract/invariants.contract';

// The EventStoreDB adapter's concurrency through the real client over gRPC, on every run,
// against the fake server (docs/decisions/0022); invariants.esdb.spec.ts runs it on a real one.
let fake: FakeEventStoreDb | undefined;
afterAll(async () => {
  await fake?.stop();
});

describeInvariantsUnderConcurrency(
  'EsdbEventStore, two clients (fake EventStoreDB over gRPC: no real server here)',
  async () => {
    fake ??= await FakeEventStoreDb.start();
    const stores = [
      EsdbEventStore.fromConnectionString(fake.connectionString),
      EsdbEventStore.fromConnectionString(fake.connectionString),
    ];
    return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
  },
);
