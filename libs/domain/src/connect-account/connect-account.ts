import { DomainError } from '../errors';
import type { ConnectionConnected, CopiedFrom, MainAccountSet } from '../events';
import { accountLimit } from '../plan';
import { linkedConnectionFor, type LinkedAccount } from './linked-account';
import { refuseUnlessPageAdmin, type FacebookPageRole } from './page-admin';
import type { Platform } from '../platform';
import { entryOf } from '../id-map';
import { connectionsOn, mainConnectionOn, type WorkspaceState } from '../workspace/state';

export interface PlatformAccount {
  accountId: string;
  accountName: string;
  accountType: string;
  /** Facebook: the user's role on the Page, the platform's verdict (see page-admin.ts). */
  pageRole?: FacebookPageRole;
}

export interface ConnectAccount {
  type: 'ConnectAccount';
  workspaceId: string;
  connectionId: string;
  platform: Platform;
  account: PlatformAccount;
  scopes: string[];
  tokenExpiresAt: string | null;
  copiedFrom?: CopiedFrom | null;
  /** The account this one belongs to (Threads: its Instagram account). */
  linkedAccount?: LinkedAccount | null;
  now: string;
}

/**
 * Connect a platform account: refused past the plan's limit for that platform, when the
 * account is already connected here, and for a Facebook Page the user does not administer. The first account of a platform becomes its main.
 * (Whether another workspace holds the account is the account claim's decision.)
 */
export function connectAccount(
  command: ConnectAccount,
  state: WorkspaceState,
): [ConnectionConnected] | [ConnectionConnected, MainAccountSet] {
  const { workspaceId, connectionId, platform, account, now } = command;
  refuseUnlessPageAdmin(platform, account);
  const onPlatform = connectionsOn(state, platform);

  const existing = onPlatform.find((c) => c.accountId === account.accountId);
  if (existing) {
    throw new DomainError(
      'ALREADY_CONNECTED',
      `This ${platform} account is already connected in this workspace; reconnect it instead.`,
      { platform, connectionId: existing.id },
    );
  }
  if (entryOf(state.connections, connectionId)) {
    throw new DomainError('ALREADY_CONNECTED', `Connection ${connectionId} already exists.`, {
      connectionId,
    });
  }

  const limit = accountLimit(state.plan);
  if (limit !== null && onPlatform.length >= limit) {
    throw new DomainError(
      'PLAN_LIMIT_REACHED',
      `The ${state.plan} plan allows ${limit} ${platform} account${limit === 1 ? '' : 's'}; upgrade your plan to connect more.`,
      { plan: state.plan, limit, platform, connected: onPlatform.length },
    );
  }

  const linked = linkedConnectionFor(platform, command.linkedAccount, state);

  const connected: ConnectionConnected = {
    type: 'ConnectionConnected',
    data: {
      workspaceId,
      connectionId,
      platform,
      accountId: account.accountId,
      accountName: account.accountName,
      accountType: account.accountType,
      scopes: [...command.scopes],
      tokenExpiresAt: command.tokenExpiresAt,
      copiedFrom: command.copiedFrom ?? null,
      linkedConnectionId: linked?.id ?? null,
      at: now,
    },
  };
  if (mainConnectionOn(state, platform)) return [connected];
  return [
    connected,
    {
      type: 'MainAccountSet',
      data: { workspaceId, connectionId, platform, previousMainConnectionId: null, at: now },
    },
  ];
}
