import type { PostScheduled, WorkspaceEvent } from '@ledger/domain';
import type { PostView, PublishingChange } from './publishing-read-model.port';

/** Maps a workspace event about posts or campaigns to its changes; any other event to none. */
export function projectPublishingEvent(
  event: WorkspaceEvent,
  streamRevision: number,
): PublishingChange[] {
  switch (event.type) {
    case 'PostScheduled':
      return [{ kind: 'postScheduled', streamRevision, post: scheduledPost(event) }];
    case 'PostPublished':
    case 'PostFailed': {
      const d = event.data;
      const published = event.type === 'PostPublished';
      return [
        {
          kind: 'postSettled',
          streamRevision,
          workspaceId: d.workspaceId,
          postId: d.postId,
          status: published ? 'published' : 'failed',
          statusReason: published ? null : (event.data.reason ?? null),
          platformPostId: published ? (event.data.platformPostId ?? null) : null,
          at: d.at,
        },
      ];
    }
    case 'CampaignCreated': {
      const d = event.data;
      return [
        {
          kind: 'campaignCreated',
          streamRevision,
          campaign: {
            id: d.campaignId,
            workspaceId: d.workspaceId,
            name: d.name,
            targets: d.targets.map((t) => ({ platform: t.platform, connectionId: t.connectionId })),
            createdAt: d.at,
          },
        },
      ];
    }
    case 'CampaignFlagged': {
      const { workspaceId, campaignId, connectionId, reason, at } = event.data;
      return [
        {
          kind: 'campaignFlagged',
          streamRevision,
          workspaceId,
          campaignId,
          flag: { connectionId, reason, at },
        },
      ];
    }
    default:
      return [];
  }
}

/** A post as its PostScheduled states it: scheduled, nothing happened to it yet. */
export function scheduledPost({ data: d }: PostScheduled): PostView {
  return {
    id: d.postId,
    workspaceId: d.workspaceId,
    platform: d.platform,
    connectionId: d.connectionId,
    content: d.content,
    publishAt: d.publishAt,
    campaignId: d.campaignId ?? null,
    status: 'scheduled',
    statusReason: null,
    platformPostId: null,
    scheduledAt: d.at,
    updatedAt: d.at,
  };
}
