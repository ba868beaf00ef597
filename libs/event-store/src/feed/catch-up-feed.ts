import { projectOrPark, type ParkedEventSink } from '@ledger/domain';
import type { EventStore, RecordedEvent } from '../event-store.port';

/** Where a follower keeps what it makes of the feed, and how far it has read. */
export interface FollowerStore<C> {
  getCheckpoint(name: string): Promise<string | null>;
  /** Writes the changes and moves the checkpoint to `position` together (never backwards). */
  apply(changes: C[], checkpoint: { projection: string; position: string }): Promise<void>;
}

/** Something that follows the event store's ordered feed: a projection, the enqueuer, ... */
export interface FeedFollower<C> {
  /** The checkpoint's name, and the consumer named when an event is parked. */
  name: string;
  /** One event's changes; an event it cannot read is parked (projectOrPark), never retried. */
  project: (event: RecordedEvent) => C[];
  store: FollowerStore<C>;
  /** Told of each parked event (logged by default). */
  onParked?: ParkedEventSink;
  /**
   * True for a follower that reads only what every stored event has (stream, revision, hash
   * link): no event is malformed to it, so none is parked (the chain signer covers them all).
   */
  readsEnvelopeOnly?: boolean;
}

export interface CatchUpOptions {
  /** Events read and applied at once (one apply, one checkpoint write each); default 500. */
  batchSize?: number;
  /** Stop after this many pages even if the feed goes on (the next run resumes there). */
  maxPages?: number;
  /** Checked between pages: true ends the run after the page being applied. */
  stopped?: () => boolean;
}

export interface CatchUpResult {
  /** The checkpoint reached: the last applied position, or where it started. */
  position: string | null;
  /** Events read and applied in this run. */
  events: number;
}

/**
 * Brings a follower up to the end of the feed: from its checkpoint, page by page, each page's
 * changes applied with the page's last position. A crash between pages replays from the
 * checkpoint, so every follower's apply must be idempotent.
 */
export async function catchUpFeed<C>(
  events: Pick<EventStore, 'readAll'>,
  follower: FeedFollower<C>,
  options: CatchUpOptions = {},
): Promise<CatchUpResult> {
  const batchSize = options.batchSize ?? 500;
  const maxPages = options.maxPages ?? Infinity;
  const stopped = options.stopped ?? (() => false);
  const result: CatchUpResult = {
    position: await follower.store.getCheckpoint(follower.name),
    events: 0,
  };
  for (let pages = 0; pages < maxPages && !stopped(); pages += 1) {
    const page = await events.readAll({ after: result.position, maxCount: batchSize });
    if (page.length === 0 || stopped()) break;
    result.position = await applyPage(follower, page);
    result.events += page.length;
    if (page.length < batchSize) break;
  }
  return result;
}

/** Applies events the follower received (a page, or live ones); resolves with the new checkpoint. */
export async function applyPage<C>(
  follower: FeedFollower<C>,
  page: RecordedEvent[],
): Promise<string> {
  const changes = page.flatMap((event) =>
    follower.readsEnvelopeOnly
      ? follower.project(event)
      : projectOrPark(event, follower.name, follower.project, follower.onParked),
  );
  const position = page[page.length - 1].position;
  await follower.store.apply(changes, { projection: follower.name, position });
  return position;
}

/**
 * One run at a time in this process: callers that ask while a run is in flight share it
 * (the API catches up the audit trail before every read; a burst of reads makes one run).
 */
export class SharedRun<T> {
  private running: Promise<T> | null = null;

  constructor(private readonly start: () => Promise<T>) {}

  run(): Promise<T> {
    this.running ??= this.start().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves once no run is in flight, whatever its outcome. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
