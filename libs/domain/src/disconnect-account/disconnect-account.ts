import type { ConnectionDisconnected } from '../events';
import type { CampaignFlagged, PostFailed } from '../publishing-events';
import { requireConnection } from '../workspace/guards';
import type { ConnectionState, WorkspaceState } from '../workspace/state';

export interface DisconnectAccount {
  type: 'DisconnectAccount';
  workspaceId: string;
  connectionId: string;
  reason: string;
  expectedVersion?: number | null;
  now: string;
}

/**
 * The connection leaves the workspace at once; its history stays in the stream and the same
 * account may be connected again later. A main account leaves no main behind: nothing is
 * promoted silently, so posts without an account are refused until someone chooses.
 * Connections that exist only through this one (Threads through its Instagram) leave with it,
 * each recorded as caused by it.
 */
export function disconnectAccount(
  command: DisconnectAccount,
  state: WorkspaceState,
): (ConnectionDisconnected | PostFailed | CampaignFlagged)[] {
  const connection = requireConnection(state, command.connectionId, command.expectedVersion);
  const dependents = Object.values(state.connections).filter(
    (c) => c.linkedConnectionId === connection.id,
  );
  const gone = [connection, ...dependents];
  return [
    disconnected(command, connection, command.reason, null),
    ...dependents.map((dependent) =>
      disconnected(
        command,
        dependent,
        `its ${connection.platform} connection (${connection.accountName}) was disconnected`,
        connection.id,
      ),
    ),
    ...gone.flatMap((c) => failPendingPosts(command, state, c, connection.id)),
    ...gone.flatMap((c) => flagCampaigns(command, state, c)),
  ];
}

/** Each pending post of a disconnected connection fails at once, caused by the disconnect. */
function failPendingPosts(
  command: DisconnectAccount,
  state: WorkspaceState,
  connection: ConnectionState,
  causedBy: string,
): PostFailed[] {
  return Object.values(state.pendingPosts)
    .filter((post) => post.connectionId === connection.id)
    .map((post) => ({
      type: 'PostFailed' as const,
      data: {
        workspaceId: command.workspaceId,
        postId: post.id,
        connectionId: connection.id,
        reason: `its ${connection.platform} connection (${connection.accountName}) was disconnected`,
        causedByConnectionId: causedBy,
        at: command.now,
      },
    }));
}

/** Campaigns that named the connection, or relied on it as the platform's main account. */
function flagCampaigns(
  command: DisconnectAccount,
  state: WorkspaceState,
  connection: ConnectionState,
): CampaignFlagged[] {
  return Object.values(state.campaigns)
    .filter((campaign) =>
      campaign.targets.some(
        (t) =>
          t.connectionId === connection.id ||
          (t.connectionId === null && t.platform === connection.platform && connection.isMain),
      ),
    )
    .map((campaign) => ({
      type: 'CampaignFlagged' as const,
      data: {
        workspaceId: command.workspaceId,
        campaignId: campaign.id,
        connectionId: connection.id,
        reason: `its ${connection.platform} account ${connection.accountName} was disconnected: choose another account`,
        at: command.now,
      },
    }));
}

function disconnected(
  command: DisconnectAccount,
  connection: ConnectionState,
  reason: string,
  causedByConnectionId: string | null,
): ConnectionDisconnected {
  return {
    type: 'ConnectionDisconnected',
    data: {
      workspaceId: command.workspaceId,
      connectionId: connection.id,
      platform: connection.platform,
      accountId: connection.accountId,
      reason,
      wasMain: connection.isMain,
      causedByConnectionId,
      at: command.now,
    },
  };
}
