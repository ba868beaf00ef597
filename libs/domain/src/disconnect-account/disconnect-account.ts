import type { ConnectionDisconnected } from '../events';
import { requireConnection } from '../workspace/guards';
import type { WorkspaceState } from '../workspace/state';

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
 */
export function disconnectAccount(
  command: DisconnectAccount,
  state: WorkspaceState,
): [ConnectionDisconnected] {
  const connection = requireConnection(state, command.connectionId, command.expectedVersion);
  return [
    {
      type: 'ConnectionDisconnected',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        accountId: connection.accountId,
        reason: command.reason,
        wasMain: connection.isMain,
        at: command.now,
      },
    },
  ];
}
