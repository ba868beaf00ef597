import type { PostPosition, PostView } from '@ledger/read-models';

export type { PostPosition, PostView };

/** A post's place in the list (publishAt, then id): what a page cursor holds. */
export function positionOfPost(post: PostView): PostPosition {
  return [post.publishAt, post.id];
}

/** A cursor's position: an instant and an id, as positionOfPost gives them. */
export function isPostPosition(position: unknown): position is PostPosition {
  return (
    Array.isArray(position) &&
    position.length === 2 &&
    position.every((part) => typeof part === 'string' && part.length <= 200) &&
    !Number.isNaN(Date.parse(position[0] as string))
  );
}
