import type Database from 'better-sqlite3';
import { canonicalJson, chainHashOfCanonical, GENESIS_HASH } from '../chain';
import type { EventMetadata, RecordedEvent, StoredEvent } from '../event-store.port';
import { openDurableSqlite } from '@ledger/stores';

/**
 * One row per event. `position` is the global order: SQLite hands out rowids in commit order
 * because every write takes the single write lock (BEGIN IMMEDIATE), so a reader never sees a
 * later position committed before an earlier one. AUTOINCREMENT keeps positions from ever
 * being reused. UNIQUE (stream_id, revision) doubles as the index that reads one stream
 * without scanning the others. `prev_hash` and `hash` are the event's link in its stream's
 * hash chain (chain.ts), written by the append in the same transaction.
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
  prev_hash   TEXT,
  hash        TEXT,
  UNIQUE (stream_id, revision)
);
`;

export function openDatabase(path: string): Database.Database {
  const db = openDurableSqlite(path);
  db.exec(SCHEMA);
  migrateToHashChain(db);
  return db;
}

/**
 * A file written before the hash chain gets its columns, and its unchained events their links,
 * in one IMMEDIATE transaction (so two processes opening it together do it once).
 */
function migrateToHashChain(db: Database.Database): void {
  const hasHash = () =>
    (db.pragma('table_info(events)') as { name: string }[]).some((c) => c.name === 'hash');
  const unchained = () =>
    db.prepare('SELECT 1 FROM events WHERE hash IS NULL LIMIT 1').get() !== undefined;
  if (hasHash() && !unchained()) return;
  db.transaction(() => {
    if (!hasHash()) {
      db.exec('ALTER TABLE events ADD COLUMN prev_hash TEXT');
      db.exec('ALTER TABLE events ADD COLUMN hash TEXT');
    }
    const rows = db
      .prepare(
        `SELECT * FROM events WHERE stream_id IN (SELECT DISTINCT stream_id FROM events
         WHERE hash IS NULL) ORDER BY stream_id, revision`,
      )
      .all() as EventRow[];
    const update = db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?');
    let stream: string | null = null;
    let prevHash = GENESIS_HASH;
    for (const row of rows) {
      if (row.stream_id !== stream) {
        stream = row.stream_id;
        prevHash = GENESIS_HASH;
      }
      if (row.hash === null) {
        const hash = rowHash(row, prevHash);
        update.run(prevHash, hash, row.position);
        prevHash = hash;
      } else {
        prevHash = row.hash;
      }
    }
  }).immediate();
}

function rowHash(row: EventRow, prevHash: string): string {
  return chainHashOfCanonical(
    { streamId: row.stream_id, revision: row.revision, id: row.id, type: row.type, prevHash },
    canonicalJson(JSON.parse(row.data)),
    canonicalJson(JSON.parse(row.metadata)),
  );
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
  prev_hash: string | null;
  hash: string | null;
}

export type ExistingEventRow = Pick<EventRow, 'position' | 'stream_id' | 'revision'>;

/**
 * A row as read for callers, in EVENT_COLUMNS order. Reads fetch arrays, not objects: it
 * halves what better-sqlite3 spends per row, and replays read millions.
 */
export type EventValues = [
  position: number,
  streamId: string,
  revision: number,
  id: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: number,
  prevHash: string | null,
  hash: string | null,
];
const EVENT_COLUMNS =
  'position, stream_id, revision, id, type, data, metadata, recorded_at, prev_hash, hash';

export interface Statements {
  head: Database.Statement<[string], { revision: number; hash: string | null }>;
  findById: Database.Statement<[string], ExistingEventRow>;
  insert: Database.Statement<
    [string, number, string, string, string, string, number, string, string]
  >;
  readStream: Database.Statement<[string, number, number], EventValues>;
  readAll: Database.Statement<[number, number], EventValues>;
}

/** The SQL behind the statements; exported so tests can check the query plans. */
export const SQL = {
  head: 'SELECT revision, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
  findById: 'SELECT position, stream_id, revision FROM events WHERE id = ?',
  insert: `INSERT INTO events
             (stream_id, revision, id, type, data, metadata, recorded_at, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  readStream: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ?
               ORDER BY revision LIMIT ?`,
  readAll: `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
} as const;

export function prepareStatements(db: Database.Database): Statements {
  return {
    head: db.prepare(SQL.head),
    findById: db.prepare(SQL.findById),
    insert: db.prepare(SQL.insert),
    readStream: db.prepare<[string, number, number], EventValues>(SQL.readStream).raw(true),
    readAll: db.prepare<[number, number], EventValues>(SQL.readAll).raw(true),
  };
}

export function toRecordedEvent(values: EventValues): RecordedEvent {
  const [position, streamId, revision, id, type, data, metadata, recordedAt, prevHash, hash] =
    values;
  const event: RecordedEvent = {
    id,
    streamId,
    revision,
    position: String(position),
    type,
    data: JSON.parse(data) as Record<string, unknown>,
    metadata: JSON.parse(metadata) as EventMetadata,
    recordedAt: new Date(recordedAt),
  };
  // Assigned, not spread in: replays build millions of these.
  if (hash !== null && prevHash !== null) event.chain = { prevHash, hash };
  return event;
}

/** The same row as stored: JSON left as text (chain verification). */
export function toStoredEvent(values: EventValues): StoredEvent {
  const [, streamId, revision, id, type, data, metadata, , prevHash, hash] = values;
  const event: StoredEvent = {
    streamId,
    revision,
    id,
    type,
    dataJson: data,
    metadataJson: metadata,
  };
  if (hash !== null && prevHash !== null) event.chain = { prevHash, hash };
  return event;
}

/** Positions are decimal strings of the global sequence; anything else is a caller bug. */
export function parsePosition(position: string | null | undefined): number {
  if (position === null || position === undefined || position === '') return 0;
  if (!/^\d+$/.test(position))
    throw new TypeError(`Not a SQLite event store position: ${position}`);
  return Number(position);
}
