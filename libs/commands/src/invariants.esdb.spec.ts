import { EsdbEventStore } from '@ledger/event-store';
import { describeInvariantsUnderConcurrency } from './contract/invariants.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  // Two clients, like two API processes; every test uses its own workspace and account ids.
  describeInvariantsUnderConcurrency('EsdbEventStore (two clients)', async () => {
    const stores = [
      EsdbEventStore.fromConnectionString(connectionString),
      EsdbEventStore.fromConnectionString(connectionString),
    ];
    return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
  });
} else {
  describe.skip('invariants under concurrency on EventStoreDB (needs EventStoreDB: set EVENTSTORE_CONNECTION_STRING)', () => {
    it('runs the invariants suite against EventStoreDB', () => undefined);
  });
}
