import type { ConnectionRenamed } from '../events';
import { requireConnection } from '../workspace/guards';
import type { WorkspaceState } from '../workspace/state';

export interface RecordAccountRenamed {
  type: 'RecordAccountRenamed';
  workspaceId: string;
  connectionId: string;
  /** The name the platform gives the account now. */
  accountName: string;
  now: string;
}

/**
 * The platform renamed the account (same platform account id): the connection takes the new
 * name and the event keeps the previous one. The same name again records nothing; a
 * disconnected connection is NOT_FOUND.
 */
export function recordAccountRenamed(
  command: RecordAccountRenamed,
  state: WorkspaceState,
): ConnectionRenamed[] {
  const connection = requireConnection(state, command.connectionId);
  if (connection.accountName === command.accountName) return [];
  return [
    {
      type: 'ConnectionRenamed',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        previousName: connection.accountName,
        accountName: command.accountName,
        at: command.now,
      },
    },
  ];
}
