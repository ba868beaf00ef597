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
