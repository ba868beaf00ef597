import type { CampaignTarget, CopiedFrom, Plan, Platform, WorkspaceEvent } from '@ledger/domain';

/**
 * Builders of domain events for the read-model tests, with defaults for what a test does not
 * care about. `at` is always given: versions and ordering must not depend on the clock.
 */
export function connected(
  workspaceId: string,
  connectionId: string,
  at: string,
  over: Partial<{
    platform: Platform;
    accountId: string;
    accountName: string;
    accountType: string;
    tokenExpiresAt: string | null;
    copiedFrom: CopiedFrom | null;
  }> = {},
): WorkspaceEvent {
  return {
    type: 'ConnectionConnected',
    data: {
      workspaceId,
      connectionId,
      platform: over.platform ?? 'facebook',
      accountId: over.accountId ?? `acct-${connectionId}`,
      accountName: over.accountName ?? `Account ${connectionId}`,
      accountType: over.accountType ?? 'page',
      scopes: ['pages_manage_posts'],
      tokenExpiresAt: over.tokenExpiresAt === undefined ? null : over.tokenExpiresAt,
      copiedFrom: over.copiedFrom ?? null,
      at,
    },
  };
}

export function mainSet(
  workspaceId: string,
  connectionId: string,
  previousMainConnectionId: string | null,
  at: string,
  platform: Platform = 'facebook',
): WorkspaceEvent {
  return {
    type: 'MainAccountSet',
    data: { workspaceId, connectionId, platform, previousMainConnectionId, at },
  };
}

export function reconnected(
  workspaceId: string,
  connectionId: string,
  at: string,
  accountName: string,
  tokenExpiresAt: string | null,
): WorkspaceEvent {
  return {
    type: 'ConnectionReconnected',
    data: {
      workspaceId,
      connectionId,
      platform: 'facebook',
      accountName,
      scopes: ['pages_manage_posts'],
      tokenExpiresAt,
      at,
    },
  };
}

export function health(
  type: 'ConnectionExpired' | 'ConnectionErrored' | 'ConnectionRestored',
  workspaceId: string,
  connectionId: string,
  reason: string,
  at: string,
): WorkspaceEvent {
  return { type, data: { workspaceId, connectionId, platform: 'facebook', reason, at } };
}

export function renamed(
  workspaceId: string,
  connectionId: string,
  previousName: string,
  accountName: string,
  at: string,
): WorkspaceEvent {
  return {
    type: 'ConnectionRenamed',
    data: { workspaceId, connectionId, platform: 'facebook', previousName, accountName, at },
  };
}

export function disconnected(
  workspaceId: string,
  connectionId: string,
  at: string,
  wasMain = false,
): WorkspaceEvent {
  return {
    type: 'ConnectionDisconnected',
    data: {
      workspaceId,
      connectionId,
      platform: 'facebook',
      accountId: `acct-${connectionId}`,
      reason: 'user request',
      wasMain,
      at,
    },
  };
}

export function planChanged(
  workspaceId: string,
  plan: Plan,
  previousPlan: Plan,
  at: string,
): WorkspaceEvent {
  return { type: 'WorkspacePlanChanged', data: { workspaceId, plan, previousPlan, at } };
}

export function postScheduled(
  workspaceId: string,
  postId: string,
  publishAt: string,
  at: string,
  over: Partial<{ connectionId: string; content: string; campaignId: string | null }> = {},
): WorkspaceEvent {
  return {
    type: 'PostScheduled',
    data: {
      workspaceId,
      postId,
      connectionId: over.connectionId ?? 'c1',
      platform: 'facebook',
      content: over.content ?? `Post ${postId}`,
      publishAt,
      campaignId: over.campaignId ?? null,
      at,
    },
  };
}

export function postPublished(
  workspaceId: string,
  postId: string,
  platformPostId: string,
  at: string,
): WorkspaceEvent {
  return {
    type: 'PostPublished',
    data: { workspaceId, postId, connectionId: 'c1', platformPostId, at },
  };
}

export function postFailed(
  workspaceId: string,
  postId: string,
  reason: string,
  at: string,
  causedByConnectionId: string | null = null,
): WorkspaceEvent {
  return {
    type: 'PostFailed',
    data: { workspaceId, postId, connectionId: 'c1', reason, causedByConnectionId, at },
  };
}

export function campaignCreated(
  workspaceId: string,
  campaignId: string,
  name: string,
  targets: CampaignTarget[],
  at: string,
): WorkspaceEvent {
  return { type: 'CampaignCreated', data: { workspaceId, campaignId, name, targets, at } };
}

export function campaignFlagged(
  workspaceId: string,
  campaignId: string,
  connectionId: string,
  reason: string,
  at: string,
): WorkspaceEvent {
  return {
    type: 'CampaignFlagged',
    data: { workspaceId, campaignId, connectionId, reason, at },
  };
}
