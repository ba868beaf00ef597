import type { Platform } from '@ledger/domain';
import { FeedProjection, type FeedProjectionOptions } from '../feed-projection';
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
 * Brings the due-posts index up to the end of the event store's ordered feed. The publisher
 * calls it before each run, so the index needs no process of its own; several callers at once
 * are harmless (every change is idempotent by post id).
 */
export class DuePostsProjection extends FeedProjection<DuePostChange> {
  constructor(events: EventStore, store: DuePostsStore, options: FeedProjectionOptions = {}) {
    super(events, store, projectDuePostsEvent, {
      ...options,
      projection: options.projection ?? DUE_POSTS_PROJECTION,
    });
  }
}
