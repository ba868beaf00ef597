import type { Platform } from '@ledger/domain';

/** A scheduled post waiting to be published, as the publisher needs it. */
export interface DuePost {
  postId: string;
  workspaceId: string;
  connectionId: string;
  platform: Platform;
  content: string;
  /** ISO 8601 instant. */
  publishAt: string;
}

/** What one event does to the index: a post scheduled, or a post no longer pending. */
export type DuePostChange = { kind: 'scheduled'; post: DuePost } | { kind: 'done'; postId: string };

/**
 * The publisher's at-most-once intent for one post: written before calling the platform, and
 * completed with the platform's post id as soon as the platform answers.
 */
export interface PublishingMarker {
  postId: string;
  /** Who started the attempt (worker and lease token), for people reading the store. */
  attempt: string;
  /** ISO 8601 instant the attempt started. */
  startedAt: string;
  /** Set once the platform published it; null while (or if) the outcome is unknown. */
  platformPostId: string | null;
}

/**
 * The due-posts index: every workspace's pending posts by publish time, fed from the event
 * store's ordered feed (PostScheduled adds, PostPublished and PostFailed remove). Every write
 * is idempotent by post id and a removal is remembered, so replaying any part of the feed, in
 * any interleaving of two feeders, gives the same index; the checkpoint only saves work.
 */
export interface DuePostsStore {
  /** Applies changes (idempotently) and then records `checkpoint`. */
  apply(
    changes: DuePostChange[],
    checkpoint: { projection: string; position: string },
  ): Promise<void>;
  getCheckpoint(projection: string): Promise<string | null>;
  /** Pending posts due at or before `before` (ISO 8601), across workspaces, soonest first. */
  listDue(before: string, limit: number): Promise<DuePost[]>;
  /** Drops the index and the checkpoint (not the publishing markers), for a rebuild. */
  reset(projection: string): Promise<void>;

  /**
   * Records the intent to publish `marker.postId`. Resolves false when a marker for the post
   * already exists (an earlier attempt, perhaps crashed): at most one attempt ever holds one.
   */
  beginPublishing(marker: Omit<PublishingMarker, 'platformPostId'>): Promise<boolean>;
  /** The platform published it: keep its id on the marker until the event is recorded. */
  completePublishing(postId: string, platformPostId: string): Promise<void>;
  /** The attempt definitely did not publish (the platform answered with a failure): forget it. */
  abandonPublishing(postId: string): Promise<void>;
  publishingMarker(postId: string): Promise<PublishingMarker | null>;

  close(): Promise<void>;
}
