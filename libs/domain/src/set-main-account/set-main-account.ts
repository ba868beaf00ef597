import { DomainError } from '../errors';
import type { MainAccountSet } from '../events';
import { requireConnection } from '../workspace/guards';
import { mainConnectionOn, type WorkspaceState } from '../workspace/state';

export interface SetMainAccount {
  type: 'SetMainAccount';
  workspaceId: string;
  connectionId: string;
  expectedVersion?: number | null;
  now: string;
}

/** Make a connection its platform's main account, demoting the previous main. */
export function setMainAccount(command: SetMainAccount, state: WorkspaceState): MainAccountSet[] {
  const connection = requireConnection(state, command.connectionId, command.expectedVersion);
  if (connection.isMain) return [];
  if (connection.status === 'expired') {
    throw new DomainError(
      'CONNECTION_EXPIRED',
      `This ${connection.platform} connection has expired; reconnect it before making it the main account.`,
      { connectionId: connection.id, platform: connection.platform },
    );
  }
  const previous = mainConnectionOn(state, connection.platform);
  return [
    {
      type: 'MainAccountSet',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        previousMainConnectionId: previous?.id ?? null,
        at: command.now,
      },
    },
  ];
}
