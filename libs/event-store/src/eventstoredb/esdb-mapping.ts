/**
 * Pure translations between the port and @eventstore/db-client: no I/O, unit-tested on every
 * run (esdb-mapping.spec.ts) since CI has no EventStoreDB.
 */
import {
  ANY,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  ErrorType,
  type EventData,
  isCommandError,
  jsonEvent,
  NO_STREAM,
  type Position,
  type ResolvedEvent,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { CHAIN_METADATA_KEY } from '../append-validation';
import { chainHash, type ChainLink } from '../chain';
import {
  type EventMetadata,
  EventStoreUnavailableError,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** Where an EventStoreDB event keeps its hash-chain link: a reserved metadata key. */
export { CHAIN_METADATA_KEY };

export function toEventData(event: EventToAppend, chain?: ChainLink): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: (chain
      ? { ...event.metadata, [CHAIN_METADATA_KEY]: chain }
      : event.metadata) as Record<string, unknown>,
  });
}

/**
 * The events of one append, each linked to the one before it: the first to `prev`, the event
 * at `prev.revision` (revision -1 and GENESIS_HASH for a new stream).
 */
export function linkEvents(
  streamId: string,
  events: EventToAppend[],
  prev: { revision: number; hash: string },
): EventData[] {
  let prevHash = prev.hash;
  return events.map((event, i) => {
    const hash = chainHash({
      streamId,
      revision: prev.revision + 1 + i,
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      prevHash,
    });
    const data = toEventData(event, { prevHash, hash });
    prevHash = hash;
    return data;
  });
}

function splitChain(metadata: Record<string, unknown>): {
  metadata: EventMetadata;
  chain?: ChainLink;
} {
  const { [CHAIN_METADATA_KEY]: chain, ...rest } = metadata;
  const link = chain as Partial<ChainLink> | undefined;
  if (typeof link?.hash === 'string' && typeof link.prevHash === 'string') {
    return {
      metadata: rest as EventMetadata,
      chain: { prevHash: link.prevHash, hash: link.hash },
    };
  }
  return { metadata: metadata as EventMetadata };
}

/** Errors after which the call may succeed if retried: the node is down, busy or not leader. */
const TRANSIENT: ReadonlySet<ErrorType> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);

/**
 * Failures the client reports as unknown that are transient all the same: a node that is
 * still starting or shedding load, and an HTTP/2 stream reset (grpc-js's `Received RST_STREAM`,
 * e.g. when a proxy or the server drops the stream).
 */
const TRANSIENT_DETAILS = /server is not ready|server is too busy|not ready|too busy|RST_STREAM/i;

export function isTransientEsdbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isCommandError(error)) {
    return TRANSIENT.has(error.type) || TRANSIENT_DETAILS.test(error.message);
  }
  // Cluster discovery gives up with a plain Error (Client/discovery.js).
  return error.message.startsWith('Failed to discover');
}

/** Translates a client error into the port's errors; anything else passes through unchanged. */
export function fromEsdbError(
  error: unknown,
  context: { streamId?: string; expected?: ExpectedRevision } = {},
): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion === NO_STREAM ? 'no_stream' : Number(error.actualVersion);
    return new WrongExpectedRevisionError(
      context.streamId ?? error.streamName,
      context.expected ?? fromEsdbExpectedRevision(error.expectedVersion),
      actual,
    );
  }
  if (isTransientEsdbError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new EventStoreUnavailableError(`EventStoreDB unavailable: ${message}`, error);
  }
  return error;
}

function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  return typeof expected === 'bigint' ? Number(expected) : expected;
}

/** `commit/prepare`, both needed to order and resume in $all. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(position: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(position);
  if (!match) throw new TypeError(`Not an EventStoreDB position: ${position}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/**
 * A resolved event as the port's RecordedEvent, or null when it is not one of ours: system
 * events (`$`-typed), links whose target is gone, and foreign or malformed events (written by
 * another client: no metadata, binary or non-object JSON). Those are skipped with a log line
 * rather than thrown, so one of them in $all cannot stop every follower at its position.
 */
export function toRecordedEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | null {
  const event = resolved.event;
  if (!event || isSystemEventType(event.type)) return null;
  const metadata = jsonObject(event.metadata);
  const data = jsonObject(event.data);
  if (!metadata || !data) {
    reportSkippedEvent(
      event,
      !metadata ? 'metadata is not a JSON object' : 'data is not a JSON object',
    );
    return null;
  }
  const split = splitChain(metadata);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: event.position ? formatPosition(event.position) : '',
    type: event.type,
    data,
    metadata: split.metadata,
    recordedAt: event.created,
    ...(split.chain ? { chain: split.chain } : {}),
  };
}

/** One warning line per skipped event; grep the logs for `skipped foreign event`. */
function reportSkippedEvent(event: NonNullable<ResolvedEvent['event']>, reason: string): void {
  const skipped = {
    streamId: event.streamId,
    revision: Number(event.revision),
    id: event.id,
    type: event.type,
    position: event.position ? formatPosition(event.position) : null,
    reason,
  };
  console.warn(`skipped foreign event ${JSON.stringify(skipped)}`);
}

/** The client parses JSON events itself; a binary one is parsed here; null if not an object. */
function jsonObject(value: unknown): Record<string, unknown> | null {
  let parsed: unknown = value;
  if (value instanceof Uint8Array) {
    try {
      parsed = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return null;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return parsed as Record<string, unknown>;
}
