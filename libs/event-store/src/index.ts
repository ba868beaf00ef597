export * from './event-store.port';
export * from './deterministic-id';
export * from './chain';
export * from './shown-actor';
export { isStorageFull } from './storage-full';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { DuplicateEventIdError } from './sqlite/write-append';
export { EsdbEventStore } from './eventstoredb/esdb-event-store';
export { createEventStore, type EventStoreConfig } from './create-event-store';
