import { describeEventStoreContract } from '../contract/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';
import { FakeEventStoreDb } from './testing/fake-eventstoredb';

// The shared contract through the real client over gRPC, against the fake server of
// testing/fake-eventstoredb.ts (docs/decisions/0022): on every run, where no server is. Twice:
// with BatchAppend, which the client uses on 24.10, and with one Append call per append.
const fakes: FakeEventStoreDb[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.stop()));
});

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('appending with %s', (_call, batchAppend) => {
  let fake: FakeEventStoreDb | undefined;
  describeEventStoreContract(
    'EsdbEventStore (fake EventStoreDB over gRPC: no real server here)',
    async () => {
      if (!fake) {
        fake = await FakeEventStoreDb.start({ batchAppend });
        fakes.push(fake);
      }
      const store = EsdbEventStore.fromConnectionString(fake.connectionString);
      return { store, cleanup: () => store.close() };
    },
  );
});
