import {
  EventStoreDBClient,
  excludeSystemEvents,
  type Position,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { assertValidAppend } from '../append-validation';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import {
  comparePositions,
  formatPosition,
  fromEsdbError,
  parsePosition,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
} from './esdb-mapping';
import { EsdbSubscription } from './esdb-subscription';

const ALL_CHUNK = 500;

/**
 * The EventStoreDB adapter.
 *
 * Idempotent retry: EventStoreDB recognises a retried append by its event ids itself; it
 * differs from the SQLite store in that (a) the retry must use the same expected revision as
 * the original (SQLite accepts any), (b) with `any` the check is best effort (it only
 * remembers recent writes), and (c) ids are not unique across streams. A partial overlap is a
 * WrongExpectedRevisionError in both.
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  static fromConnectionString(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    assertValidAppend(streamId, events, expectedRevision);
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
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
