import { describeEventStoreContract } from '../contract/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('EsdbEventStore', async () => {
    const store = EsdbEventStore.fromConnectionString(connectionString);
    return { store, cleanup: () => store.close() };
  });
} else {
  describe.skip('EsdbEventStore contract (needs EventStoreDB: set EVENTSTORE_CONNECTION_STRING)', () => {
    it('runs the EventStore contract against EventStoreDB', () => undefined);
  });
}
