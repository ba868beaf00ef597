import { projectOrPark, type Platform } from '@ledger/domain';
import type { FeedProjectionOptions } from '../feed-projection-options';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import type { DuePostChange, DuePostsStore } from './due-posts.port';

export const DUE_POSTS_PROJECTION = 'due-posts';

/** Maps one recorded event to its due-posts changes. */
export function projectDuePostsEvent(event: RecordedEvent): DuePostChange[] {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'PostScheduled':
      return [
        {
          kind: 'scheduled',
          post: {
            postId: String(data.postId),
            workspaceId: String(data.workspaceId),
            connectionId: String(data.connectionId),
            platform: data.platform as Platform,
            content: String(data.content),
            publishAt: new Date(String(data.publishAt)).toISOString(),
          },
        },
      ];
    case 'PostPublished':
    case 'PostFailed':
      return [{ kind: 'done', postId: String(data.postId) }];
    default:
      return [];
  }
}

/**
 * Brings the due-posts index up to the end of the event store's ordered feed, page by page
 * from its checkpoint. The publisher calls it before each run, so the index needs no process
 * of its own; several callers at once are harmless (every change is idempotent by post id).
 */
export class DuePostsProjection {
  constructor(
    private readonly events: EventStore,
    private readonly store: DuePostsStore,
    private readonly options: FeedProjectionOptions = {},
  ) {}

  private get name(): string {
    return this.options.projection ?? DUE_POSTS_PROJECTION;
  }

  /** Applies the feed from the checkpoint to its end; returns the position reached. */
  async catchUp(): Promise<string | null> {
    const batchSize = this.options.batchSize ?? 500;
    let position = await this.store.getCheckpoint(this.name);
    for (;;) {
      const page = await this.events.readAll({ after: position, maxCount: batchSize });
      if (page.length === 0) break;
      const last = page[page.length - 1].position;
      const changes = page.flatMap((event) =>
        projectOrPark(event, this.name, projectDuePostsEvent, this.options.onParked),
      );
      await this.store.apply(changes, {
        projection: this.name,
        position: last,
      });
      position = last;
      if (page.length < batchSize) break;
    }
    return position;
  }

  /** Drops the index and replays the whole feed. */
  async rebuild(): Promise<void> {
    await this.store.reset(this.name);
    await this.catchUp();
  }
}
