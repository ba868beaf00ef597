import type Database from 'better-sqlite3';
import { assertValidAppend } from '../append-validation';
import { canonicalOf } from '../chain';
import {
  type AppendResult,
  type EventStore,
  EventStoreUnavailableError,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEvent,
  type StoredEventSource,
  type StreamEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type UntypedEvent,
} from '../event-store.port';
import { GroupCommitQueue, type Outcome } from './group-commit';
import { PollingSubscription } from './polling-subscription';
import {
  openDatabase,
  parsePosition,
  prepareStatements,
  type Statements,
  toRecordedEvent,
  toStoredEvent,
  type EventValues,
} from './schema';
import { type PendingAppend, writeAppend } from './write-append';

const STREAM_PAGE_SIZE = 500;

export interface SqliteEventStoreOptions {
  /** The database file; created if missing. Several processes may open the same file. */
  path: string;
  /** How often live subscriptions look for appends made by other processes. */
  pollIntervalMs?: number;
}

/**
 * The embedded event store: one SQLite file, WAL, synchronous=FULL, group commit.
 * Appends made in one event-loop turn are written in one IMMEDIATE transaction; each is
 * checked in arrival order and settles on its own (a conflict does not fail its neighbours).
 */
export class SqliteEventStore implements EventStore, StoredEventSource {
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly writeAll: Database.Transaction<
    (batch: PendingAppend[], recordedAt: number) => Outcome<AppendResult>[]
  >;
  private readonly queue: GroupCommitQueue<PendingAppend, AppendResult>;
  private readonly commitListeners = new Set<() => void>();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly pollIntervalMs: number;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openDatabase(options.path);
    this.stmts = prepareStatements(this.db);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    // A nested better-sqlite3 transaction is a savepoint: a failing append undoes only itself.
    const writeOne = this.db.transaction((append: PendingAppend, recordedAt: number) =>
      writeAppend(this.stmts, append, recordedAt),
    );
    this.writeAll = this.db.transaction((batch: PendingAppend[], recordedAt: number) =>
      batch.map((append): Outcome<AppendResult> => {
        try {
          return { ok: true, value: writeOne(append, recordedAt) };
        } catch (error) {
          // SQLITE_FULL and I/O errors roll back the whole transaction, not just the savepoint:
          // going on would commit the rest of the batch one by one, outside any transaction.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
    this.queue = new GroupCommitQueue((batch) => this.writeBatch(batch));
  }

  /** Transactions the group commit has written so far: lets tests and metrics see batching. */
  get batchCount(): number {
    return this.queue.batchCount;
  }

  /** The connection's durability settings, for health checks and tests. */
  pragmas(): { journalMode: string; synchronous: number; busyTimeoutMs: number } {
    this.assertOpen();
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      busyTimeoutMs: this.db.pragma('busy_timeout', { simple: true }) as number,
    };
  }

  // Typed by the caller (see the port): stored as JSON whatever E names.
  append<E extends StreamEvent>(
    streamId: string,
    events: EventToAppend<E>[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  append(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      this.assertOpen();
      assertValidAppend(streamId, events, expectedRevision);
      const pending: PendingAppend = {
        streamId,
        expectedRevision,
        events: events.map((e) => {
          // Stored in canonical form: the text the hash chain hashes, written in one pass.
          const data = canonicalOf(e.data);
          const metadata = canonicalOf(e.metadata);
          return {
            id: e.id,
            type: e.type,
            data,
            metadata,
            canonicalData: data,
            canonicalMetadata: metadata,
          };
        }),
      };
      return this.queue.enqueue(pending);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The stream as stored, for chain verification (see StoredEventSource). */
  async *readStoredStream(streamId: string): AsyncIterable<StoredEvent> {
    for (const row of this.rowsOf(streamId, 0, Number.POSITIVE_INFINITY)) {
      yield toStoredEvent(row);
    }
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
    const rows = this.rowsOf(
      streamId,
      options.fromRevision ?? 0,
      options.maxCount ?? Number.POSITIVE_INFINITY,
    );
    for (const row of rows) yield toRecordedEvent(row);
  }

  /** A stream's rows from `from`, at most `maxCount`, read a page at a time. */
  private *rowsOf(streamId: string, from: number, maxCount: number): Iterable<EventValues> {
    let remaining = maxCount;
    while (remaining > 0) {
      this.assertOpen();
      const limit = Math.min(STREAM_PAGE_SIZE, remaining);
      const rows = this.stmts.readStream.all(streamId, from, limit);
      yield* rows;
      if (rows.length < limit) return;
      remaining -= rows.length;
      from = rows[rows.length - 1][2] + 1; // the revision
    }
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readPage(parsePosition(options.after), options.maxCount);
  }

  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: (event: RecordedEvent) => Promise<void>,
    onError?: (error: unknown) => void,
  ): Subscription {
    this.assertOpen();
    const source = {
      readPage: (after: number, max: number) => {
        this.assertOpen();
        return this.readPage(after, max);
      },
      onCommitted: (listener: () => void) => {
        this.commitListeners.add(listener);
        return () => this.commitListeners.delete(listener);
      },
    };
    const subscription = new PollingSubscription(
      source,
      parsePosition(options.after),
      handler,
      onError,
      this.pollIntervalMs,
    );
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  /** Stops subscriptions, writes what is still queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    this.queue.flush();
    this.closed = true;
    this.db.close();
  }

  private readPage(after: number, maxCount: number): RecordedEvent[] {
    if (!Number.isSafeInteger(maxCount) || maxCount <= 0) {
      throw new TypeError(`readAll: maxCount must be a positive integer, got ${maxCount}`);
    }
    return this.stmts.readAll.all(after, maxCount).map(toRecordedEvent);
  }

  private writeBatch(batch: PendingAppend[]): Outcome<AppendResult>[] {
    let outcomes: Outcome<AppendResult>[];
    try {
      // IMMEDIATE takes the write lock up front, so appends from other processes are
      // linearised by SQLite instead of failing on a read-to-write lock upgrade.
      outcomes = this.writeAll.immediate(batch, Date.now());
    } catch (error) {
      throw new EventStoreUnavailableError(
        'SQLite event store: the batch was not committed',
        error,
      );
    }
    for (const listener of this.commitListeners) listener();
    return outcomes;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('SQLite event store is closed');
  }
}
