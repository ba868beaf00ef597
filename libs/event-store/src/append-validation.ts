import type { EventToAppend, ExpectedRevision } from './event-store.port';

/**
 * The most one append may hold: EventStoreDB's default MaxAppendSize (1 MiB). The SQLite store
 * keeps the same limit so an append that works on one store works on the other.
 */
export const MAX_APPEND_BYTES = 1024 * 1024;

/** Room left per event for what the store adds: EventStoreDB's `$chain` metadata, the type. */
const STORE_OVERHEAD_BYTES = 256;

/** Where the EventStoreDB adapter keeps an event's hash-chain link: a caller may not set it. */
export const CHAIN_METADATA_KEY = '$chain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Caller bugs both adapters refuse the same way, before touching storage: an empty append has
 * no "last event" to report; a repeated id inside one append could never be idempotent; an id
 * that is not a UUID cannot be stored by EventStoreDB; `$`-prefixed types are EventStoreDB's
 * system events (readers skip them) and an empty type says nothing; a caller's `$chain` would
 * forge the hash chain; and an append over MAX_APPEND_BYTES is refused by EventStoreDB.
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
  let bytes = 0;
  for (const event of events) {
    assertValidEvent(streamId, event);
    bytes += appendedBytes(event);
  }
  if (bytes > MAX_APPEND_BYTES) {
    throw new AppendTooLargeError(streamId, bytes);
  }
}

/** The append is over MAX_APPEND_BYTES: split it, or store the bulk elsewhere. */
export class AppendTooLargeError extends TypeError {
  constructor(
    readonly streamId: string,
    readonly bytes: number,
  ) {
    super(
      `append to ${streamId}: ${bytes} bytes is over the ${MAX_APPEND_BYTES} bytes (1 MiB) one append may hold`,
    );
    this.name = 'AppendTooLargeError';
  }
}

function assertValidEvent(streamId: string, event: EventToAppend): void {
  if (typeof event.id !== 'string' || !UUID.test(event.id)) {
    throw new TypeError(`append to ${streamId}: event id ${String(event.id)} is not a UUID`);
  }
  if (typeof event.type !== 'string' || event.type === '') {
    throw new TypeError(`append to ${streamId}: event ${event.id} has no type`);
  }
  if (event.type.startsWith('$')) {
    throw new TypeError(
      `append to ${streamId}: event type ${event.type} starts with $ (reserved for system events)`,
    );
  }
  if (event.metadata && Object.prototype.hasOwnProperty.call(event.metadata, CHAIN_METADATA_KEY)) {
    throw new TypeError(
      `append to ${streamId}: metadata key ${CHAIN_METADATA_KEY} is the store's own (the hash chain)`,
    );
  }
}

function appendedBytes(event: EventToAppend): number {
  return (
    Buffer.byteLength(JSON.stringify(event.data) ?? '') +
    Buffer.byteLength(JSON.stringify(event.metadata) ?? '') +
    STORE_OVERHEAD_BYTES
  );
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
