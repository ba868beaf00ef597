import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  type Position,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { assertValidAppend } from '../append-validation';
import { GENESIS_HASH } from '../chain';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type UntypedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import {
  comparePositions,
  formatPosition,
  fromEsdbError,
  parsePosition,
  linkEvents,
  toEsdbExpectedRevision,
  toRecordedEvent,
} from './esdb-mapping';
import { boundedRead } from './esdb-reads';
import { EsdbSubscription } from './esdb-subscription';
import { earlierAppend, RETRY_WINDOW, type TailEvent } from './esdb-tail';

/** Appends with `any` / `stream_exists` retry this often when another writer moved the head. */
const CHAIN_RETRIES = 10;
/** The longest a read waits for the server's next answer before it counts as unavailable. */
const DEFAULT_READ_TIMEOUT_MS = 10_000;

export interface EsdbEventStoreOptions {
  /** See DEFAULT_READ_TIMEOUT_MS. */
  readTimeoutMs?: number;
}

/**
 * The EventStoreDB adapter.
 *
 * Every append reads the stream's tail once (backwards, from the leader), then writes once:
 * - idempotent retry: the tail is searched for the append's ids, as the SQLite store does by
 *   id. All of them as one earlier append: that append's result; some: a conflict. EventStoreDB
 *   would append a retry sent at the current head again (it compares ids only behind the head).
 *   The search covers the append's length plus RETRY_WINDOW events; an original further back is
 *   left to the server's own check, which works when the retry keeps its expected revision.
 * - hash chain: the events link to the head read there, and are sent at that exact revision
 *   (`any` / `stream_exists` too), so a concurrent writer makes the server refuse and the
 *   append retry; a head that cannot be read (a foreign event) is an error, not a guess.
 * - position: the append reply carries the position of the append's last event (EventStoreDB
 *   22.6+), which is what a stream or $all read reports for it.
 * Event ids are not unique across streams here (the SQLite store refuses a reused id).
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly readTimeoutMs: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    // With it off, a conflict comes back as a "success: false" result this adapter would take
    // for a write: refuse the setting rather than risk it.
    // The client's getter is protected in its types only: it is how the setting is read.
    if (!(client as unknown as { throwOnAppendFailure: boolean }).throwOnAppendFailure) {
      throw new TypeError('EventStoreDB: throwOnAppendFailure=false is not supported');
    }
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  }

  static fromConnectionString(
    connectionString: string,
    options?: EsdbEventStoreOptions,
  ): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  // Typed by the caller (see the port): stored as JSON whatever E names.
  append<E extends StreamEvent>(
    streamId: string,
    events: EventToAppend<E>[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  async append(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertValidAppend(streamId, events, expectedRevision);
    try {
      for (let attempt = 0; ; attempt += 1) {
        const tail = await this.tail(streamId, events.length + RETRY_WINDOW);
        const head = tail.length ? tail[tail.length - 1].revision : 'no_stream';
        const earlier = earlierAppend(tail, events);
        if (earlier === 'overlap') {
          throw new WrongExpectedRevisionError(streamId, expectedRevision, head);
        }
        if (earlier) return earlier;
        try {
          return await this.write(streamId, events, expectedRevision, tail);
        } catch (error) {
          const chained = expectedRevision === 'any' || expectedRevision === 'stream_exists';
          if (!chained || !(error instanceof WrongExpectedVersionError)) throw error;
          if (attempt >= CHAIN_RETRIES) throw error;
        }
      }
    } catch (error) {
      throw fromEsdbError(error, { streamId, expected: expectedRevision });
    }
  }

  /** One append call, linked to the head of `tail` and sent at its exact revision. */
  private async write(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
    tail: TailRead[],
  ): Promise<AppendResult> {
    const head = tail.length ? tail[tail.length - 1] : null;
    const chained = expectedRevision === 'any' || expectedRevision === 'stream_exists';
    // A missing stream with stream_exists goes out as is, for the server to refuse.
    const sentAs: ExpectedRevision = chained
      ? (head?.revision ?? (expectedRevision === 'any' ? 'no_stream' : 'stream_exists'))
      : expectedRevision;
    const at = sentAs === 'no_stream' ? -1 : typeof sentAs === 'number' ? sentAs : null;
    let base = genesis();
    if (at !== null && at !== (head?.revision ?? -1)) {
      // Not at the head, and none of the ids in the tail: when the tail reaches the event
      // after `at`, the server would refuse, so refuse here and spare the round trip.
      if (at > (head?.revision ?? -1) || at + 1 >= tail[0].revision) {
        throw new WrongExpectedRevisionError(
          streamId,
          expectedRevision,
          head?.revision ?? 'no_stream',
        );
      }
      // Further back only the server can tell a retry from a conflict; it writes neither, so
      // the links (to genesis here) are never stored.
    } else if (head) {
      base = chainBaseOf(streamId, head);
    }
    const result = await this.client.appendToStream(streamId, linkEvents(streamId, events, base), {
      expectedRevision: toEsdbExpectedRevision(sentAs),
    });
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    const position = result.position
      ? formatPosition(result.position)
      : // A server's idempotent answer may come without one: read the event's own.
        await this.positionOf(streamId, nextExpectedRevision);
    return { nextExpectedRevision, position };
  }

  /** The stream's last `count` events, oldest first, from the leader; [] when it is absent. */
  private async tail(streamId: string, count: number): Promise<TailRead[]> {
    const tail: TailRead[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: count,
        requiresLeader: true,
      });
      for await (const resolved of boundedRead(read, this.readTimeoutMs, `tail of ${streamId}`)) {
        if (!resolved.event) continue;
        tail.unshift({
          id: resolved.event.id,
          revision: Number(resolved.event.revision),
          position: resolved.event.position ? formatPosition(resolved.event.position) : '',
          resolved,
        });
      }
      return tail;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Position of the event at `revision` ('' when the server reports none on stream reads). */
  private async positionOf(streamId: string, revision: number): Promise<string> {
    const read = this.client.readStream(streamId, {
      fromRevision: BigInt(revision),
      maxCount: 1,
      requiresLeader: true,
    });
    for await (const resolved of boundedRead(read, this.readTimeoutMs, `${streamId}@${revision}`)) {
      const position = resolved.event?.position;
      return position ? formatPosition(position) : '';
    }
    return '';
  }

  // Typed by the caller (see the port): the rows are the same whatever E names.
  readStream<E extends StreamEvent = UntypedEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): AsyncIterable<RecordedEvent<E>>;
  async *readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    // A gRPC server stream with flow control: the client pulls it in chunks, not all at once.
    // From the leader: a command folds this stream to decide what it appends.
    const read = this.client.readStream(streamId, {
      fromRevision: BigInt(options.fromRevision ?? 0),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      requiresLeader: true,
    });
    try {
      for await (const resolved of boundedRead(read, this.readTimeoutMs, `stream ${streamId}`)) {
        const event = toRecordedEvent(resolved);
        if (event) yield event;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw fromEsdbError(error, { streamId });
    }
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!Number.isSafeInteger(options.maxCount) || options.maxCount <= 0) {
      throw new TypeError(`readAll: maxCount must be a positive integer, got ${options.maxCount}`);
    }
    // $all reads include the event at the start position, and system events: skip both, and
    // ask only for what the page still needs (one more for the start), so no read is left over.
    let after: Position | undefined = options.after ? parsePosition(options.after) : undefined;
    const page: RecordedEvent[] = [];
    try {
      for (;;) {
        const wanted = options.maxCount - page.length + (after ? 1 : 0);
        let read = 0;
        const chunk = this.client.readAll({ fromPosition: after ?? START, maxCount: wanted });
        for await (const resolved of boundedRead(chunk, this.readTimeoutMs, '$all')) {
          read += 1;
          const position = resolved.event?.position;
          if (!position || (after && comparePositions(position, after) <= 0)) continue;
          after = position;
          const event = toRecordedEvent(resolved);
          if (event) page.push(event);
          if (page.length === options.maxCount) return page;
        }
        if (read < wanted) return page;
      }
    } catch (error) {
      throw fromEsdbError(error);
    }
  }

  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: (event: RecordedEvent) => Promise<void>,
    onError?: (error: unknown) => void,
  ): Subscription {
    const subscription = new EsdbSubscription(
      (from) =>
        this.client.subscribeToAll({ fromPosition: from ?? START, filter: excludeSystemEvents() }),
      options.after,
      handler,
      onError,
    );
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.client.dispose();
  }
}

interface ChainBase {
  revision: number;
  hash: string;
}

interface TailRead extends TailEvent {
  resolved: ResolvedEvent;
}

function genesis(): ChainBase {
  return { revision: -1, hash: GENESIS_HASH };
}

/**
 * The head as the base of the next link. An event written before chaining starts a chain at
 * GENESIS_HASH; an event that is not ours (foreign, malformed) cannot be linked to: guessing
 * would write a chain that no verification can follow, so the append fails instead.
 */
function chainBaseOf(streamId: string, head: TailRead): ChainBase {
  const event = toRecordedEvent(head.resolved);
  if (!event) {
    throw new Error(
      `EventStoreDB: cannot append to ${streamId}: its last event (revision ${head.revision}) is not one this service wrote, so the hash chain has no base`,
    );
  }
  return { revision: head.revision, hash: event.chain?.hash ?? GENESIS_HASH };
}
