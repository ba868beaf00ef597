import type { ConnectionDisconnected } from '../events';
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
): ConnectionDisconnected[] {
  const connection = requireConnection(state, command.connectionId, command.expectedVersion);
  const dependents = Object.values(state.connections).filter(
    (c) => c.linkedConnectionId === connection.id,
  );
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
  ];
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
