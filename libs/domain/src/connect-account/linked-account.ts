import { DomainError } from '../errors';
import type { Platform } from '../platform';
import { connectionsOn, type ConnectionState, type WorkspaceState } from '../workspace/state';

/** The account a new connection depends on, as the platform names it. */
export interface LinkedAccount {
  platform: Platform;
  accountId: string | null;
  accountName: string | null;
}

/** Platforms whose accounts exist only through another platform's account. */
const REQUIRES: Partial<Record<Platform, Platform>> = { threads: 'instagram' };

/**
 * A Threads profile belongs to one Instagram account: that Instagram account must be connected
 * in the workspace, and it can carry one Threads connection. Returns the connection it links to.
 */
export function linkedConnectionFor(
  platform: Platform,
  linked: LinkedAccount | null | undefined,
  state: WorkspaceState,
): ConnectionState | null {
  const required = REQUIRES[platform];
  if (!required) return null;
  const candidates = connectionsOn(state, required);
  const match = linked
    ? candidates.find(
        (c) =>
          (linked.accountId !== null && c.accountId === linked.accountId) ||
          (linked.accountName !== null &&
            c.accountName.toLowerCase() === linked.accountName.toLowerCase()),
      )
    : undefined;
  const name = linked?.accountName ? ` @${linked.accountName}` : '';
  if (!match) {
    throw new DomainError(
      'LINKED_ACCOUNT_REQUIRED',
      `Connect the ${required} account${name} in this workspace first: a ${platform} profile is connected through it.`,
      { platform, requires: required, accountName: linked?.accountName ?? null },
    );
  }
  const taken = Object.values(state.connections).find(
    (c) => c.platform === platform && c.linkedConnectionId === match.id,
  );
  if (taken) {
    throw new DomainError(
      'ALREADY_CONNECTED',
      `The ${required} account${name} already has its ${platform} profile connected.`,
      { platform, connectionId: taken.id },
    );
  }
  return match;
}
