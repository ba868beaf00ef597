import { securePrivateDir } from '@ledger/private-files';
import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { EsdbEventStore } from './eventstoredb/esdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export interface EventStoreConfig {
  /** EVENTSTORE_CONNECTION_STRING: EventStoreDB when set. */
  connectionString?: string | null;
  /** DATA_DIR: where the embedded store keeps `events.db` otherwise. */
  dataDir: string;
}

/** The adapter the configuration asks for (ARCHITECTURE.md, "Storage"). */
export function createEventStore(config: EventStoreConfig): EventStore {
  if (config.connectionString) return EsdbEventStore.fromConnectionString(config.connectionString);
  securePrivateDir(config.dataDir);
  return new SqliteEventStore({ path: join(config.dataDir, 'events.db') });
}
