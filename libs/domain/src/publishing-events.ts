import type { Platform } from './platform';

/**
 * Campaigns and scheduled posts live in the workspace stream beside the connections they use,
 * so a disconnect fails its pending posts and flags its campaigns in the same append.
 */
export interface CampaignTarget {
  platform: Platform;
  /** null: the platform's main account at the time a post is scheduled. */
  connectionId: string | null;
}

export interface CampaignCreated {
  type: 'CampaignCreated';
  data: {
    workspaceId: string;
    campaignId: string;
    name: string;
    targets: CampaignTarget[];
    at: string;
  };
}

export interface CampaignFlagged {
  type: 'CampaignFlagged';
  data: {
    workspaceId: string;
    campaignId: string;
    connectionId: string;
    reason: string;
    at: string;
  };
}

export interface PostScheduled {
  type: 'PostScheduled';
  data: {
    workspaceId: string;
    postId: string;
    connectionId: string;
    platform: Platform;
    content: string;
    publishAt: string;
    campaignId: string | null;
    at: string;
  };
}

export interface PostPublished {
  type: 'PostPublished';
  data: {
    workspaceId: string;
    postId: string;
    connectionId: string;
    platformPostId: string;
    at: string;
  };
}

export interface PostFailed {
  type: 'PostFailed';
  data: {
    workspaceId: string;
    postId: string;
    connectionId: string;
    reason: string;
    /** Set when the failure follows from a connection's disconnect. */
    causedByConnectionId: string | null;
    at: string;
  };
}

export type PublishingEvent =
  CampaignCreated | CampaignFlagged | PostScheduled | PostPublished | PostFailed;

export const PUBLISHING_EVENT_TYPES: readonly PublishingEvent['type'][] = [
  'CampaignCreated',
  'CampaignFlagged',
  'PostScheduled',
  'PostPublished',
  'PostFailed',
];
