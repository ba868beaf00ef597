import Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../event-store.port';

/**
 * One row per event. `position` is the global order: SQLite hands out rowids in commit order
 * because every write takes the single write lock (BEGIN IMMEDIATE), so a reader never sees a
 * later position committed before an earlier one. AUTOINCREMENT keeps positions from ever
 * being reused. UNIQUE (stream_id, revision) doubles as the index that reads one stream
 * without scanning the others.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id   TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  id          TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream_id, revision)
);
`;

export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  // Wait for another process's write lock instead of failing at once.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so an acknowledged append survives power loss.
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}

export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

export type ExistingEventRow = Pick<EventRow, 'position' | 'stream_id' | 'revision'>;

export interface Statements {
  head: Database.Statement<[string], { revision: number | null }>;
  findById: Database.Statement<[string], ExistingEventRow>;
  insert: Database.Statement<[string, number, string, string, string, string, number]>;
  readStream: Database.Statement<[string, number, number], EventRow>;
  readAll: Database.Statement<[number, number], EventRow>;
}

/** The SQL behind the statements; exported so tests can check the query plans. */
export const SQL = {
  head: 'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
  findById: 'SELECT position, stream_id, revision FROM events WHERE id = ?',
  insert: `INSERT INTO events (stream_id, revision, id, type, data, metadata, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
  readStream: `SELECT * FROM events WHERE stream_id = ? AND revision >= ?
               ORDER BY revision LIMIT ?`,
  readAll: 'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
} as const;

export function prepareStatements(db: Database.Database): Statements {
  return {
    head: db.prepare(SQL.head),
    findById: db.prepare(SQL.findById),
    insert: db.prepare(SQL.insert),
    readStream: db.prepare(SQL.readStream),
    readAll: db.prepare(SQL.readAll),
  };
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    revision: row.revision,
    position: String(row.position),
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: new Date(row.recorded_at),
  };
}

/** Positions are decimal strings of the global sequence; anything else is a caller bug. */
export function parsePosition(position: string | null | undefined): number {
  if (position === null || position === undefined || position === '') return 0;
  if (!/^\d+$/.test(position))
    throw new TypeError(`Not a SQLite event store position: ${position}`);
  return Number(position);
}
