/**
 * The event store port: what the command side and the projections need from an event store.
 * Two adapters implement it and pass the same contract suite (contract/event-store.contract.ts):
 * the embedded SQLite store and EventStoreDB.
 */

import type { ChainLink } from './chain';

/** Who caused an event: a user acting through the API, or the service itself. */
export interface Actor {
  userId: string;
  role: string;
  ip: string | null;
  userAgent: string | null;
  /** Why the service acted (a scheduled job's name); absent for users. See shownActor. */
  reason?: string | null;
}

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
  /** Anything else worth keeping (never a secret). */
  [key: string]: unknown;
}

/**
 * What a stream holds: a type and its JSON data. A stream names its own union (the workspace
 * stream's WorkspaceEvent, the claim stream's AccountClaimEvent) and reads and appends with it.
 */
export interface StreamEvent {
  type: string;
  data: object;
}

/** An event of a stream whose union the reader does not name (feed readers check the shape). */
export interface UntypedEvent {
  type: string;
  data: Record<string, unknown>;
}

export type EventToAppend<E extends StreamEvent = UntypedEvent> = E & {
  /** A UUID. Deterministic (see deterministicEventId) so a retried append is idempotent. */
  id: string;
  metadata: EventMetadata;
};

export type RecordedEvent<E extends StreamEvent = UntypedEvent> = E & RecordedEnvelope;

export interface RecordedEnvelope {
  id: string;
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /**
   * Opaque position in the global, ordered feed; pass back to readAll/subscribeToAll.
   * SQLite: the global sequence as a decimal string; EventStoreDB: `commit/prepare`.
   */
  position: string;
  metadata: EventMetadata;
  recordedAt: Date;
  /**
   * The event's link in its stream's hash chain (see chain.ts). Absent only on events an
   * adapter wrote before chaining existed (EventStoreDB; SQLite backfills on open).
   */
  chain?: ChainLink;
}

/**
 * An event as the store keeps it, data and metadata as the stored JSON text (not parsed). What
 * chain verification needs: an adapter that can give it (StoredEventSource) spares the
 * verifier parsing and re-serialising every event.
 */
export interface StoredEvent {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  dataJson: string;
  metadataJson: string;
  chain?: ChainLink;
}

/** Optional on an adapter: a stream's events as stored, in revision order. */
export interface StoredEventSource {
  readStoredStream(streamId: string): AsyncIterable<StoredEvent>;
}

/** `no_stream`: the stream must not exist; a number: the revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream: the expected revision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: string;
}

/** The stream was not at the expected revision: someone else appended first. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store could not be reached or failed; the append may or may not have happened. */
export class EventStoreUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); from the start when absent. */
  after?: string | null;
  maxCount: number;
}

export interface SubscribeToAllOptions {
  /** Deliver events after this position (exclusive); from the start when absent. */
  after?: string | null;
}

export interface Subscription {
  /**
   * Stops delivery; resolves once no handler call is running (so never await it from inside
   * the handler).
   */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically. Throws WrongExpectedRevisionError on a revision mismatch, except when
   * every event id is already in the stream from an earlier identical append: then it returns
   * that append's result (idempotent retry). Ids that only partly match an earlier append are
   * a WrongExpectedRevisionError. Adapters differ in details: see EsdbEventStore.
   */
  append<E extends StreamEvent>(
    streamId: string,
    events: EventToAppend<E>[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;

  /**
   * Events of one stream in revision order, read in pages. Empty when the stream does not exist.
   * E is the caller's word for what the stream holds: the store does not check it (only a
   * stream's own command handler appends to it, and it refuses malformed events).
   */
  readStream<E extends StreamEvent = UntypedEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): AsyncIterable<RecordedEvent<E>>;

  /** One page of the ordered global feed (application events only). */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Catch-up subscription to the global feed: delivers past events then new ones, in order,
   * one handler call at a time. If the connection drops it resubscribes after the last
   * delivered event. A handler that throws stops the subscription (onError is called).
   */
  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: (event: RecordedEvent) => Promise<void>,
    onError?: (error: unknown) => void,
  ): Subscription;

  close(): Promise<void>;
}
