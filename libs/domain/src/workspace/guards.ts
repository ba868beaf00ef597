import { DomainError } from '../errors';
import { entryOf } from '../id-map';
import type { ConnectionState, WorkspaceState } from './state';

/**
 * The connection a command names, still connected, at the version the caller last read when
 * it sent `If-Match`.
 */
export function requireConnection(
  state: WorkspaceState,
  connectionId: string,
  expectedVersion?: number | null,
): ConnectionState {
  const connection = entryOf(state.connections, connectionId);
  if (!connection) {
    throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
      connectionId,
    });
  }
  if (
    expectedVersion !== undefined &&
    expectedVersion !== null &&
    expectedVersion !== connection.version
  ) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      `The connection changed since you read it (you sent version ${expectedVersion}, it is at ${connection.version}). Read it again and retry.`,
      { connectionId, expectedVersion, currentVersion: connection.version },
    );
  }
  return connection;
}
