import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventToAppend } from '@ledger/event-store';
import { msSince, perSecond } from '../support/stats';

export interface Append {
  streamId: string;
  events: EventToAppend[];
}

/**
 * The ceiling of the embedded store: plain better-sqlite3 inserts of the same events, with the
 * same durability (WAL, synchronous=FULL) and the same grouping (`groupSize` appends per
 * transaction, the average our group commit reached), but none of our work: no expected
 * revision check, no hash chain, no idempotency lookup, no deciding.
 */
export function measureRawCeiling(dir: string, appends: Append[], groupSize: number) {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision))`);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map<string, number>();
  const writeGroup = db.transaction((group: Append[]) => {
    const now = Date.now();
    for (const append of group) {
      let revision = revisions.get(append.streamId) ?? -1;
      for (const e of append.events) {
        revision += 1;
        insert.run(
          append.streamId,
          revision,
          e.id,
          e.type,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          now,
        );
      }
      revisions.set(append.streamId, revision);
    }
  });
  const size = Math.max(1, Math.round(groupSize));
  const started = process.hrtime.bigint();
  for (let i = 0; i < appends.length; i += size) writeGroup(appends.slice(i, i + size));
  const ms = msSince(started);
  db.close();
  return { commandsPerSecond: perSecond(appends.length, ms), groupSize: size };
}
