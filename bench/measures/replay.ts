import Database from 'better-sqlite3';
import {
  evolve,
  initialWorkspaceState,
  isWorkspaceEvent,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import type { WorkspaceState } from '@ledger/domain';
import { msSince, perSecond } from '../support/stats';

/**
 * Replay: read the whole global feed in pages, as a projection rebuild or a compliance replay
 * does, and fold every event into its workspace's state with the real `evolve`.
 */
export async function measureReplay(store: EventStore) {
  const states = new Map<string, WorkspaceState>();
  let events = 0;
  const started = process.hrtime.bigint();
  for (let after: string | null = null; ;) {
    const page: RecordedEvent[] = await store.readAll({ after, maxCount: 2000 });
    if (page.length === 0) break;
    for (const recorded of page) {
      events += 1;
      if (!isWorkspaceEvent(recorded)) continue;
      const state = states.get(recorded.streamId) ?? initialWorkspaceState;
      states.set(recorded.streamId, evolve(state, recorded as unknown as WorkspaceEvent));
    }
    after = page[page.length - 1].position;
  }
  const ms = msSince(started);
  return { events, workspaces: states.size, eventsPerSecond: perSecond(events, ms) };
}

/**
 * The ceiling of a replay on this machine: plain better-sqlite3 reading the same rows in the
 * same pages and parsing their JSON, nothing else (no event objects, no evolve).
 */
export function measureRawReadCeiling(path: string) {
  const db = new Database(path, { readonly: true });
  const page = db.prepare(
    'SELECT position, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 2000',
  );
  let events = 0;
  const started = process.hrtime.bigint();
  for (let after = 0; ;) {
    const rows = page.all(after) as { position: number; data: string; metadata: string }[];
    if (rows.length === 0) break;
    for (const row of rows) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
    events += rows.length;
    after = rows[rows.length - 1].position;
  }
  const ms = msSince(started);
  db.close();
  return { events, eventsPerSecond: perSecond(events, ms) };
}
