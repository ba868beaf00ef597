import type { CampaignTarget, Platform } from '@ledger/domain';

/**
 * Posts and campaigns as GET /posts and GET /campaigns answer them. The connections projection
 * keeps them in the same store and under the same checkpoint as the connections, so one
 * read-your-writes wait covers a command that touches both (a disconnect fails posts and flags
 * campaigns in the same append).
 */
export type PostStatus = 'scheduled' | 'published' | 'failed';

export interface PostView {
  id: string;
  workspaceId: string;
  platform: Platform;
  connectionId: string;
  content: string;
  publishAt: string;
  campaignId: string | null;
  status: PostStatus;
  statusReason: string | null;
  platformPostId: string | null;
  scheduledAt: string;
  updatedAt: string;
}

export interface CampaignFlag {
  connectionId: string;
  reason: string;
  at: string;
}

export interface CampaignView {
  id: string;
  workspaceId: string;
  name: string;
  targets: CampaignTarget[];
  createdAt: string;
  /** Connections the campaign relied on that were disconnected: choose other accounts. */
  flags: CampaignFlag[];
}

/** A post's place in the list: by publishAt (as time), then id; what a page cursor holds. */
export type PostPosition = [publishAt: string, id: string];

export interface PostsPage {
  status?: PostStatus;
  /** Only posts after this place (the last one of the previous page); null: from the start. */
  after: PostPosition | null;
  limit: number;
}

/**
 * Changes of posts and campaigns, guarded like the connections' by `streamRevision`: a post
 * applies a change only once it has not seen that revision; a campaign is created once; a flag
 * is keyed by the revision of the event that raised it. Replays therefore change nothing.
 */
export type PublishingChange =
  | { kind: 'postScheduled'; streamRevision: number; post: PostView }
  | {
      kind: 'postSettled';
      streamRevision: number;
      workspaceId: string;
      postId: string;
      status: Exclude<PostStatus, 'scheduled'>;
      /** Kept as it was when null. */
      statusReason: string | null;
      platformPostId: string | null;
      at: string;
    }
  | { kind: 'campaignCreated'; streamRevision: number; campaign: Omit<CampaignView, 'flags'> }
  | {
      kind: 'campaignFlagged';
      streamRevision: number;
      workspaceId: string;
      campaignId: string;
      flag: CampaignFlag;
    };

export interface PublishingReads {
  /** One post, whatever its status; null when unknown. */
  getPost(workspaceId: string, postId: string): Promise<PostView | null>;
  /** The workspace's posts by publishAt then id, up to `limit` after `after`. */
  listPosts(workspaceId: string, page: PostsPage): Promise<PostView[]>;
  /** The workspace's campaigns in the order they were created, each with its flags. */
  listCampaigns(workspaceId: string): Promise<CampaignView[]>;
}

/** The view's fields of a stored post (which may hold more), absent nullable ones as null. */
export function postViewOf(stored: PostView): PostView {
  return {
    id: stored.id,
    workspaceId: stored.workspaceId,
    platform: stored.platform,
    connectionId: stored.connectionId,
    content: stored.content,
    publishAt: stored.publishAt,
    campaignId: stored.campaignId ?? null,
    status: stored.status,
    statusReason: stored.statusReason ?? null,
    platformPostId: stored.platformPostId ?? null,
    scheduledAt: stored.scheduledAt,
    updatedAt: stored.updatedAt,
  };
}

/** A flag as stored, beside the campaign it belongs to. */
export interface StoredFlag extends CampaignFlag {
  campaignId: string;
}

/**
 * Campaigns with their flags, both in stream order; a flag of a campaign the store does not
 * hold (never created) is dropped, as folding the stream would.
 */
export function withFlags(
  campaigns: Omit<CampaignView, 'flags'>[],
  flags: StoredFlag[],
): CampaignView[] {
  const byId = new Map(campaigns.map((c) => [c.id, { ...c, flags: [] as CampaignFlag[] }]));
  for (const { campaignId, connectionId, reason, at } of flags) {
    byId.get(campaignId)?.flags.push({ connectionId, reason, at });
  }
  return [...byId.values()];
}
