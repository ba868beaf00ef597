import { describeEventStoreContract } from '../contract/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';
import { FakeEventStoreDb } from './testing/fake-eventstoredb';

// The shared contract through the real client over gRPC, against the fake server of
// testing/fake-eventstoredb.ts (docs/decisions/0022): on every run, where no server is.
let fake: FakeEventStoreDb | undefined;
afterAll(async () => {
  await fake?.stop();
});

describeEventStoreContract(
  'EsdbEventStore (fake EventStoreDB over gRPC: no real server here)',
  async () => {
    fake ??= await FakeEventStoreDb.start();
    const store = EsdbEventStore.fromConnectionString(fake.connectionString);
    return { store, cleanup: () => store.close() };
  },
);
