import type { EventToAppend, ExpectedRevision } from './event-store.port';

/**
 * Caller bugs both adapters refuse the same way, before touching storage: an empty append has
 * no "last event" to report, and a repeated id inside one append could never be idempotent.
 */
export function assertValidAppend(
  streamId: string,
  events: EventToAppend[],
  expectedRevision: ExpectedRevision,
): void {
  if (!streamId) throw new TypeError('append: streamId is empty');
  if (events.length === 0) throw new TypeError(`append to ${streamId}: no events`);
  if (new Set(events.map((e) => e.id)).size !== events.length) {
    throw new TypeError(`append to ${streamId}: the same event id appears twice`);
  }
  if (
    typeof expectedRevision === 'number' &&
    (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0)
  ) {
    throw new TypeError(`append to ${streamId}: expected revision ${expectedRevision} is invalid`);
  }
}

/** Whether a stream whose last revision is `actual` satisfies `expected`. */
export function revisionMatches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}
