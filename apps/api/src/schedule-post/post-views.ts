import { isWorkspaceEvent, workspaceStream, type WorkspaceEvent } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';

export interface PostView {
  id: string;
  workspaceId: string;
  platform: string;
  connectionId: string;
  content: string;
  publishAt: string;
  campaignId: string | null;
  status: 'scheduled' | 'published' | 'failed';
  statusReason: string | null;
  platformPostId: string | null;
  scheduledAt: string;
  updatedAt: string;
}

/**
 * A workspace's posts with their status, folded from its stream (posts live there beside the
 * connections they use). Paged reads keep memory to the posts themselves.
 */
export async function postsOf(store: EventStore, workspaceId: string): Promise<PostView[]> {
  const posts = new Map<string, PostView>();
  for await (const recorded of store.readStream<WorkspaceEvent>(workspaceStream(workspaceId))) {
    if (!isWorkspaceEvent(recorded)) continue;
    const event = recorded;
    if (event.type === 'PostScheduled') {
      const d = event.data;
      posts.set(d.postId, {
        id: d.postId,
        workspaceId,
        platform: d.platform,
        connectionId: d.connectionId,
        content: d.content,
        publishAt: d.publishAt,
        campaignId: d.campaignId,
        status: 'scheduled',
        statusReason: null,
        platformPostId: null,
        scheduledAt: d.at,
        updatedAt: d.at,
      });
    } else if (event.type === 'PostPublished' || event.type === 'PostFailed') {
      const post = posts.get(event.data.postId);
      if (!post) continue;
      post.updatedAt = event.data.at;
      if (event.type === 'PostPublished') {
        post.status = 'published';
        post.platformPostId = event.data.platformPostId;
      } else {
        post.status = 'failed';
        post.statusReason = event.data.reason;
      }
    }
  }
  return [...posts.values()].sort((a, b) => comparePostOrder(positionOfPost(a), positionOfPost(b)));
}

/** A post's place in the list: by publishAt, then id (stable, so pages neither skip nor repeat). */
export type PostPosition = [publishAt: string, id: string];

export function positionOfPost(post: PostView): PostPosition {
  return [post.publishAt, post.id];
}

export function comparePostOrder(a: PostPosition, b: PostPosition): number {
  return a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]);
}

export function isPostPosition(position: unknown): position is PostPosition {
  return (
    Array.isArray(position) &&
    position.length === 2 &&
    position.every((part) => typeof part === 'string' && part.length <= 200)
  );
}
