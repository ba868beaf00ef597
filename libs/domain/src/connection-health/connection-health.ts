import type {
  ConnectionErrored,
  ConnectionExpired,
  ConnectionRestored,
  ConnectionTokensRefreshed,
} from '../events';
import { requireConnection } from '../workspace/guards';
import type { WorkspaceState } from '../workspace/state';

export interface MarkConnectionExpired {
  type: 'MarkConnectionExpired';
  workspaceId: string;
  connectionId: string;
  reason: string;
  now: string;
}

export interface MarkConnectionErrored {
  type: 'MarkConnectionErrored';
  workspaceId: string;
  connectionId: string;
  reason: string;
  now: string;
}

export interface RestoreConnection {
  type: 'RestoreConnection';
  workspaceId: string;
  connectionId: string;
  reason: string;
  now: string;
}

/** A token reached end of life. Saying it twice records it once. */
export function markConnectionExpired(
  command: MarkConnectionExpired,
  state: WorkspaceState,
): ConnectionExpired[] {
  const connection = requireConnection(state, command.connectionId);
  if (connection.status === 'expired') return [];
  return [
    {
      type: 'ConnectionExpired',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        reason: command.reason,
        at: command.now,
      },
    },
  ];
}

/** Revoked permissions, a vanished account, a platform error: the reason is kept. */
export function markConnectionErrored(
  command: MarkConnectionErrored,
  state: WorkspaceState,
): ConnectionErrored[] {
  const connection = requireConnection(state, command.connectionId);
  if (connection.status === 'error' && connection.statusReason === command.reason) return [];
  return [
    {
      type: 'ConnectionErrored',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        reason: command.reason,
        at: command.now,
      },
    },
  ];
}

/** The platform answers again: back to active. */
export function restoreConnection(
  command: RestoreConnection,
  state: WorkspaceState,
): ConnectionRestored[] {
  const connection = requireConnection(state, command.connectionId);
  if (connection.status === 'active') return [];
  return [
    {
      type: 'ConnectionRestored',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        reason: command.reason,
        at: command.now,
      },
    },
  ];
}

export interface RecordTokensRefreshed {
  type: 'RecordTokensRefreshed';
  workspaceId: string;
  connectionId: string;
  tokenExpiresAt: string | null;
  trigger: 'scheduled' | 'manual';
  now: string;
}

/**
 * Every refresh is recorded. A connection that was disconnected meanwhile is NOT_FOUND: the
 * caller then shreds the tokens it just stored.
 */
export function recordTokensRefreshed(
  command: RecordTokensRefreshed,
  state: WorkspaceState,
): ConnectionTokensRefreshed[] {
  const connection = requireConnection(state, command.connectionId);
  return [
    {
      type: 'ConnectionTokensRefreshed',
      data: {
        workspaceId: command.workspaceId,
        connectionId: connection.id,
        platform: connection.platform,
        tokenExpiresAt: command.tokenExpiresAt,
        trigger: command.trigger,
        at: command.now,
      },
    },
  ];
}
