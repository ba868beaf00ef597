import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { createEventStore } from './create-event-store';
import { EsdbEventStore } from './eventstoredb/esdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

describe('createEventStore', () => {
  it('uses an SQLite file under the data directory when no connection string is given', async () => {
    const dir = makeTempDir();
    const dataDir = join(dir.path, 'nested', 'data');
    const store = createEventStore({ dataDir });
    try {
      expect(store).toBeInstanceOf(SqliteEventStore);
      expect(existsSync(join(dataDir, 'events.db'))).toBe(true);
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it('uses EventStoreDB when a connection string is given (connects lazily)', async () => {
    const store = createEventStore({
      connectionString: 'esdb://localhost:2113?tls=false',
      dataDir: '/nonexistent',
    });
    expect(store).toBeInstanceOf(EsdbEventStore);
    await store.close();
  });
});
