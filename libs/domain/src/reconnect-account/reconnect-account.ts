import type { PlatformAccount } from '../connect-account/connect-account';
import { DomainError } from '../errors';
import type { ConnectionReconnected } from '../events';
import { requireConnection } from '../workspace/guards';
import type { WorkspaceState } from '../workspace/state';

export interface ReconnectAccount {
  type: 'ReconnectAccount';
  workspaceId: string;
  connectionId: string;
  account: PlatformAccount;
  scopes: string[];
  tokenExpiresAt: string | null;
  now: string;
}

/** OAuth ran again for an existing connection: it must bring back the same platform account. */
export function reconnectAccount(
  command: ReconnectAccount,
  state: WorkspaceState,
): [ConnectionReconnected] {
  const connection = requireConnection(state, command.connectionId);
  if (connection.accountId !== command.account.accountId) {
    throw new DomainError(
      'RECONNECT_ACCOUNT_MISMATCH',
      `You signed in to a different ${connection.platform} account than the one this connection belongs to (${connection.accountName}). Sign in as that account to reconnect it.`,
      {
        connectionId: connection.id,
        platform: connection.platform,
        expectedAccountName: connection.accountName,
      },
    );
  }
  return [
    {
      type: 'ConnectionReconnected',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        accountName: command.account.accountName,
        scopes: [...command.scopes],
        tokenExpiresAt: command.tokenExpiresAt,
        at: command.now,
      },
    },
  ];
}
