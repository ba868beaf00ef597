import type { ParkedEventSink } from '@ledger/domain';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import {
  catchUpFeed,
  SharedRun,
  type FeedFollower,
  type FollowerStore,
} from '@ledger/event-store/feed';

/** Options of the projections that catch up on demand (audit trail, due posts). */
export interface FeedProjectionOptions {
  batchSize?: number;
  /** The checkpoint's name. */
  projection?: string;
  /** Told of each malformed event skipped (logged by default); the projection goes on. */
  onParked?: ParkedEventSink;
}

/** A read model a projection keeps up to date on demand, and can drop for a rebuild. */
export interface RebuildableStore<C> extends FollowerStore<C> {
  reset(projection: string): Promise<void>;
}

/**
 * A projection with no process of its own: whoever needs it current (the API before an audit
 * read, the publisher before a run) calls catchUp(), and calls in one process share one run.
 */
export class FeedProjection<C> {
  private readonly follower: FeedFollower<C>;
  private readonly shared: SharedRun<string | null>;

  constructor(
    events: Pick<EventStore, 'readAll'>,
    private readonly store: RebuildableStore<C>,
    project: (event: RecordedEvent) => C[],
    options: FeedProjectionOptions & { projection: string },
  ) {
    this.follower = { name: options.projection, project, store, onParked: options.onParked };
    this.shared = new SharedRun(async () => {
      const { position } = await catchUpFeed(events, this.follower, {
        batchSize: options.batchSize,
      });
      return position;
    });
  }

  /** Applies the feed from the checkpoint to its end; returns the position reached. */
  catchUp(): Promise<string | null> {
    return this.shared.run();
  }

  /** Drops what the projection wrote and replays the whole feed. */
  async rebuild(): Promise<string | null> {
    await this.shared.settled();
    await this.store.reset(this.follower.name);
    return this.catchUp();
  }
}
