/** How every store opens: its SQLite file, and what a Mongo duplicate key means (docs/decisions/0016). */
export * from './durable-sqlite';
export * from './mongo-duplicate-key';
export * from './mongo-connection';
