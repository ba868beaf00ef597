import { DomainError } from '../errors';
import { entryOf } from '../id-map';
import type { Platform } from '../platform';
import type { ConnectionState, WorkspaceState } from '../workspace/state';

/**
 * What copying a connection to another workspace requires of the source workspace: the
 * connection exists there, when the copy starts and still when it completes (same platform).
 * The copy itself is a ConnectAccount with `copiedFrom`, claimed `via: 'copy'`. Who may copy
 * (owner or admin of both workspaces) is the HTTP edge's authorization.
 */
export function copySource(
  state: WorkspaceState,
  connectionId: string,
  completingOn?: Platform,
): ConnectionState {
  const source = entryOf(state.connections, connectionId);
  if (source && (completingOn === undefined || source.platform === completingOn)) return source;
  throw new DomainError(
    'NOT_FOUND',
    completingOn === undefined
      ? `No connection ${connectionId} in this workspace.`
      : 'The connection being copied was disconnected meanwhile.',
    { connectionId },
  );
}

/**
 * The account the user signed in with must be the one being copied: a copy of another account
 * would be a connect that skipped the "already connected elsewhere" rule.
 */
export function copiedAccount<A extends { accountId: string }>(
  source: ConnectionState,
  signedIn: readonly A[],
): A {
  const account = signedIn.find((a) => a.accountId === source.accountId);
  if (account) return account;
  throw new DomainError(
    'COPY_ACCOUNT_MISMATCH',
    `You signed in to ${source.platform} without access to ${source.accountName}, the account being copied. Sign in as a user who manages it.`,
    { platform: source.platform, expectedAccountName: source.accountName },
  );
}
