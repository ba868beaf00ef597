import type { AppendResult, EventToAppend } from '../event-store.port';

/** One event at the end of a stream, as an append needs it: its id, revision and position. */
export interface TailEvent {
  id: string;
  revision: number;
  position: string;
}

/**
 * How far back an append looks for an earlier copy of itself, beyond its own length. EventStoreDB
 * checks ids only when the expected revision is older than the head; a retry that decided again
 * at the new head (lost reply, another replica, a dropped cache) would be written twice. A retry
 * comes soon after the original, so a few events of slack cover what others appended between.
 */
export const RETRY_WINDOW = 16;

/**
 * What the stream's tail (oldest first) says about an append, as the SQLite store decides it:
 * its result when the same ids are there as one whole earlier append (a retry), 'overlap' when
 * only some are (a conflict), null when none are (a new append).
 */
export function earlierAppend(
  tail: readonly TailEvent[],
  events: readonly EventToAppend[],
): AppendResult | 'overlap' | null {
  const ids = new Set(events.map((e) => e.id));
  const first = tail.findIndex((e) => ids.has(e.id));
  if (first < 0) return null;
  const copy = tail.slice(first, first + events.length);
  const whole = copy.length === events.length && copy.every((e, i) => e.id === events[i].id);
  if (!whole || tail.slice(first + events.length).some((e) => ids.has(e.id))) return 'overlap';
  const last = copy[copy.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}
