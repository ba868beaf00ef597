import { DomainError } from '../errors';
import type { Platform } from '../platform';
import { postLengthLimit } from '../post-length';
import type { PostFailed, PostPublished, PostScheduled } from '../publishing-events';
import { entryOf } from '../id-map';
import { refuseTextOnlyPost } from './media-required';
import { mainConnectionOn, type ConnectionState, type WorkspaceState } from '../workspace/state';

export interface SchedulePost {
  type: 'SchedulePost';
  workspaceId: string;
  postId: string;
  platform: Platform;
  /** Absent: the campaign's account for the platform, else the platform's main account. */
  connectionId?: string | null;
  content: string;
  publishAt: string;
  campaignId?: string | null;
  now: string;
}

/**
 * A scheduled post resolves its connection when scheduled, must fit the account's limit, and
 * must be publishable as text on its platform.
 */
export function schedulePost(command: SchedulePost, state: WorkspaceState): PostScheduled[] {
  if (entryOf(state.pendingPosts, command.postId)) return [];
  // Whatever account it would use, such a post can never be published.
  refuseTextOnlyPost(command.platform);
  // Any id given is looked up, the empty one too: only null or absent means "none".
  const campaignId = command.campaignId ?? null;
  const campaign = campaignId !== null ? entryOf(state.campaigns, campaignId) : null;
  if (campaignId !== null && !campaign) {
    throw new DomainError('NOT_FOUND', `No campaign ${command.campaignId} in this workspace.`, {
      campaignId: command.campaignId,
    });
  }
  const connection = resolveConnection(
    command,
    state,
    campaign?.targets.find((t) => t.platform === command.platform)?.connectionId ?? null,
  );
  const limit = postLengthLimit(connection.platform, connection.accountType);
  if ([...command.content].length > limit) {
    throw new DomainError(
      'POST_TOO_LONG',
      `This ${connection.platform} account allows ${limit} characters per post.`,
      {
        platform: connection.platform,
        limit,
        length: [...command.content].length,
      },
    );
  }
  return [
    {
      type: 'PostScheduled',
      data: {
        workspaceId: command.workspaceId,
        postId: command.postId,
        connectionId: connection.id,
        platform: connection.platform,
        content: command.content,
        publishAt: command.publishAt,
        campaignId: command.campaignId ?? null,
        at: command.now,
      },
    },
  ];
}

function resolveConnection(
  command: SchedulePost,
  state: WorkspaceState,
  campaignConnectionId: string | null,
): ConnectionState {
  const named = command.connectionId ?? campaignConnectionId;
  if (named !== null) {
    const connection = entryOf(state.connections, named);
    if (!connection || connection.platform !== command.platform) {
      throw new DomainError(
        'NOT_FOUND',
        `No ${command.platform} connection ${named} in this workspace.`,
        {
          connectionId: named,
        },
      );
    }
    return connection;
  }
  const main = mainConnectionOn(state, command.platform);
  if (!main) {
    throw new DomainError(
      'NO_MAIN_ACCOUNT',
      `No ${command.platform} account can be chosen automatically: this workspace has no main ${command.platform} account. Name an account or set one as main.`,
      { platform: command.platform },
    );
  }
  return main;
}

export interface RecordPostPublished {
  type: 'RecordPostPublished';
  workspaceId: string;
  postId: string;
  platformPostId: string;
  now: string;
}

export interface FailPost {
  type: 'FailPost';
  workspaceId: string;
  postId: string;
  reason: string;
  now: string;
}

/** The publisher reports a post live at the platform. Said twice, recorded once. */
export function recordPostPublished(
  command: RecordPostPublished,
  state: WorkspaceState,
): PostPublished[] {
  const post = entryOf(state.pendingPosts, command.postId);
  if (!post) return [];
  return [
    {
      type: 'PostPublished',
      data: {
        workspaceId: command.workspaceId,
        postId: post.id,
        connectionId: post.connectionId,
        platformPostId: command.platformPostId,
        at: command.now,
      },
    },
  ];
}

/** A post that cannot be published (expired or broken connection, platform refusal). */
export function failPost(command: FailPost, state: WorkspaceState): PostFailed[] {
  const post = entryOf(state.pendingPosts, command.postId);
  if (!post) return [];
  return [
    {
      type: 'PostFailed',
      data: {
        workspaceId: command.workspaceId,
        postId: post.id,
        connectionId: post.connectionId,
        reason: command.reason,
        causedByConnectionId: null,
        at: command.now,
      },
    },
  ];
}
