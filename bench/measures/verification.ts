import { StreamChainVerifier, storedEventsOf } from '@ledger/audit';
import { workspaceStream } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { msSince, perSecond } from '../support/stats';

/**
 * Chain verification, as `GET .../audit/verify` and `cli verify` do it per workspace: read each
 * stream in revision order, as stored, and recompute every event's SHA-256 link. Fails the benchmark if
 * any chain is broken (it must not be: the store wrote them).
 */
export async function measureVerification(store: EventStore, workspaceIds: string[]) {
  let events = 0;
  const started = process.hrtime.bigint();
  for (const workspaceId of workspaceIds) {
    const verifier = new StreamChainVerifier(workspaceStream(workspaceId));
    for await (const event of storedEventsOf(store, workspaceStream(workspaceId))) {
      if (!verifier.nextStored(event)) break;
    }
    if (verifier.firstBadEvent) {
      throw new Error(`chain broken in ${workspaceId}: ${JSON.stringify(verifier.firstBadEvent)}`);
    }
    events += verifier.checkedEvents;
  }
  const ms = msSince(started);
  return { events, eventsPerSecond: perSecond(events, ms) };
}
