import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  type Position,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { assertValidAppend } from '../append-validation';
import { GENESIS_HASH } from '../chain';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamEvent,
  SubscribeToAllOptions,
  Subscription,
  UntypedEvent,
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
import { EsdbSubscription } from './esdb-subscription';

const ALL_CHUNK = 500;
/** Appends with `any` / `stream_exists` retry this often when another writer moved the head. */
const CHAIN_RETRIES = 10;

interface ChainBase {
  revision: number;
  hash: string;
}

/**
 * The EventStoreDB adapter.
 *
 * Idempotent retry: EventStoreDB recognises a retried append by its event ids itself; it
 * differs from the SQLite store in that (a) the retry must use the same expected revision as
 * the original (SQLite accepts any), (b) with `any` the check is best effort (it only
 * remembers recent writes), and (c) ids are not unique across streams. A partial overlap is a
 * WrongExpectedRevisionError in both.
 *
 * Hash chain: the append links its events to the event at the revision it is checked against
 * (the caller's numeric revision, or the head read just before for `any` / `stream_exists`,
 * which are then sent as that exact revision so a concurrent writer makes it retry).
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  static fromConnectionString(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
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
      const result = await this.appendChained(streamId, events, expectedRevision);
      if ('retried' in result) return result.retried;
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      // The position EventStoreDB reports is the write's (which need not be its last event's)
      // and is absent on an idempotent retry: read the last event's own position instead, so a
      // retry returns what the original did and checkpoints compare with subscription positions.
      const position =
        (await this.positionOf(streamId, nextExpectedRevision)) ??
        (result.position ? formatPosition(result.position) : '');
      return { nextExpectedRevision, position };
    } catch (error) {
      throw fromEsdbError(error, { streamId, expected: expectedRevision });
    }
  }

  private async appendChained(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<{ retried: AppendResult } | { nextExpectedRevision: bigint; position?: Position }> {
    if (typeof expectedRevision === 'number' || expectedRevision === 'no_stream') {
      const base: ChainBase =
        expectedRevision === 'no_stream'
          ? { revision: -1, hash: GENESIS_HASH }
          : ((await this.chainBaseAt(streamId, expectedRevision)) ?? {
              revision: expectedRevision,
              hash: GENESIS_HASH, // the stream is not there: the append will be refused
            });
      return this.client.appendToStream(streamId, linkEvents(streamId, events, base), {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
    }
    for (let attempt = 0; ; attempt += 1) {
      const retried = await this.earlierIdenticalAppend(streamId, events);
      if (retried) return { retried };
      const head = await this.head(streamId);
      if (!head && expectedRevision === 'stream_exists') {
        return this.client.appendToStream(streamId, linkEvents(streamId, events, genesis()), {
          expectedRevision: toEsdbExpectedRevision('stream_exists'),
        });
      }
      const base = head ?? genesis();
      try {
        return await this.client.appendToStream(streamId, linkEvents(streamId, events, base), {
          expectedRevision: toEsdbExpectedRevision(head ? head.revision : 'no_stream'),
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= CHAIN_RETRIES) throw error;
      }
    }
  }

  /** The stream's last event as a chain base, or null when the stream does not exist. */
  private async head(streamId: string): Promise<ChainBase | null> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) return { revision: event.revision, hash: event.chain?.hash ?? GENESIS_HASH };
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  private async chainBaseAt(streamId: string, revision: number): Promise<ChainBase | null> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: BigInt(revision),
        maxCount: 1,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) return { revision, hash: event.chain?.hash ?? GENESIS_HASH };
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  /**
   * `any` / `stream_exists` are sent as the head's exact revision, which would defeat
   * EventStoreDB's own retry detection: recognise a retry of the stream's last append here.
   */
  private async earlierIdenticalAppend(
    streamId: string,
    events: EventToAppend[],
  ): Promise<AppendResult | null> {
    const last: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: events.length,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) last.unshift(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    if (last.length !== events.length || last.some((e, i) => e.id !== events[i].id)) return null;
    const tail = last[last.length - 1];
    return { nextExpectedRevision: tail.revision, position: tail.position };
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
    const read = this.client.readStream(streamId, {
      fromRevision: BigInt(options.fromRevision ?? 0),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    try {
      for await (const resolved of read) {
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
    // $all reads include the start position and system events: skip both, chunk by chunk.
    let after: Position | undefined = options.after ? parsePosition(options.after) : undefined;
    const page: RecordedEvent[] = [];
    try {
      for (;;) {
        let read = 0;
        for await (const resolved of this.client.readAll({
          fromPosition: after ?? START,
          maxCount: ALL_CHUNK,
        })) {
          read += 1;
          const position = resolved.event?.position;
          if (!position || (after && comparePositions(position, after) <= 0)) continue;
          after = position;
          const event = toRecordedEvent(resolved);
          if (event) page.push(event);
          if (page.length === options.maxCount) return page;
        }
        if (read < ALL_CHUNK) return page;
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

  /** Position of the event at `revision`, when the server reports positions on stream reads. */
  private async positionOf(streamId: string, revision: number): Promise<string | null> {
    for await (const resolved of this.client.readStream(streamId, {
      fromRevision: BigInt(revision),
      maxCount: 1,
    })) {
      const position = resolved.event?.position;
      return position ? formatPosition(position) : null;
    }
    return null;
  }
}

function genesis(): ChainBase {
  return { revision: -1, hash: GENESIS_HASH };
}
