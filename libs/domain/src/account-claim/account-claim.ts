import { DomainError } from '../errors';
import { copyIdMap, emptyIdMap, entryOf, type IdMap } from '../id-map';
import type { Platform } from '../platform';

/**
 * One platform account belongs to one workspace (copy being the deliberate exception). The
 * workspace stream cannot see other workspaces, so each platform account has a claim stream
 * (`account-<platform>-<accountId>`) that records who holds it; appending to it with an
 * expected revision makes two racing workspaces serialise. See docs/decisions/0002.
 */
export interface AccountHolder {
  workspaceId: string;
  connectionId: string;
}

/**
 * How long a claim whose connection never appeared still blocks others: long enough for an
 * in-flight connect to append its connection, short enough that a crash frees the account.
 */
export const UNCONFIRMED_CLAIM_GRACE_MS = 2 * 60 * 1000;

/** A holder and when it claimed the account. */
export interface Holding extends AccountHolder {
  claimedAt: string;
}

export interface AccountClaimed {
  type: 'AccountClaimed';
  data: AccountHolder & {
    platform: Platform;
    accountId: string;
    via: 'oauth' | 'copy';
    at: string;
  };
}

export interface AccountReleased {
  type: 'AccountReleased';
  data: AccountHolder & { platform: Platform; accountId: string; at: string };
}

export type AccountClaimEvent = AccountClaimed | AccountReleased;

export interface AccountClaimState {
  /** Workspace id → the connection holding the account there. */
  holders: IdMap<Holding>;
}

export const initialAccountClaimState: AccountClaimState = Object.freeze({
  holders: emptyIdMap<Holding>(),
});

export function evolveAccountClaim(
  state: AccountClaimState,
  event: AccountClaimEvent,
): AccountClaimState {
  const { workspaceId, connectionId } = event.data;
  const holders = copyIdMap(state.holders);
  if (event.type === 'AccountClaimed') {
    holders[workspaceId] = { workspaceId, connectionId, claimedAt: event.data.at };
    return { holders };
  }
  if (holderIn(state, workspaceId)?.connectionId !== connectionId) return state;
  delete holders[workspaceId];
  return { holders };
}

export interface ClaimAccount {
  type: 'ClaimAccount';
  platform: Platform;
  accountId: string;
  workspaceId: string;
  connectionId: string;
  via: 'oauth' | 'copy';
  /**
   * Holders (this workspace's included) whose connection does not exist in their workspace.
   * Either a connect is still in flight (the claim is fresh: it blocks), or a process died
   * between claiming and connecting, or between disconnecting and releasing (past the grace
   * period: it does not). See isStaleClaim.
   */
  holdersWithoutConnection: readonly AccountHolder[];
  now: string;
}

/**
 * Whether a holding no longer counts: its connection does not exist in its workspace and it
 * was claimed longer ago than the grace period. The one place this is decided.
 */
export function isStaleClaim(
  holding: Holding,
  holdersWithoutConnection: readonly AccountHolder[],
  now: string,
): boolean {
  return (
    Date.parse(now) - Date.parse(holding.claimedAt) > UNCONFIRMED_CLAIM_GRACE_MS &&
    !hasConnection(holding, holdersWithoutConnection)
  );
}

function hasConnection(holder: AccountHolder, without: readonly AccountHolder[]): boolean {
  return !without.some(
    (h) => h.workspaceId === holder.workspaceId && h.connectionId === holder.connectionId,
  );
}

export function claimAccount(command: ClaimAccount, state: AccountClaimState): AccountClaimed[] {
  const counts = (h: Holding) => !isStaleClaim(h, command.holdersWithoutConnection, command.now);
  const mine = holderIn(state, command.workspaceId);
  if (mine && mine.connectionId !== command.connectionId && counts(mine)) {
    refuseHeldHere(command, mine, hasConnection(mine, command.holdersWithoutConnection));
  }
  const elsewhere = Object.values(state.holders).filter(
    (h) => h.workspaceId !== command.workspaceId && counts(h),
  );
  if (command.via === 'oauth' && elsewhere.length > 0) {
    throw new DomainError(
      'ALREADY_CONNECTED_ELSEWHERE',
      `This ${command.platform} account is already connected in another workspace. Disconnect it there, or copy that connection to this workspace.`,
      { platform: command.platform },
    );
  }
  if (mine?.connectionId === command.connectionId) return [];
  return [
    {
      type: 'AccountClaimed',
      data: {
        platform: command.platform,
        accountId: command.accountId,
        workspaceId: command.workspaceId,
        connectionId: command.connectionId,
        via: command.via,
        at: command.now,
      },
    },
  ];
}

/**
 * The claim stream keeps one holding per workspace, so a second connect of the same account in
 * the same workspace would overwrite the first one's holding, and its release (after the
 * workspace refuses it as ALREADY_CONNECTED) would leave the live connection unclaimed. It is
 * refused here instead, unless the other holding is stale.
 */
function refuseHeldHere(command: ClaimAccount, mine: Holding, connected: boolean): never {
  throw new DomainError(
    'ALREADY_CONNECTED',
    connected
      ? `This ${command.platform} account is already connected in this workspace; reconnect it instead.`
      : `This ${command.platform} account is being connected in this workspace already.`,
    { platform: command.platform, connectionId: mine.connectionId },
  );
}

export interface ReleaseAccount {
  type: 'ReleaseAccount';
  platform: Platform;
  accountId: string;
  workspaceId: string;
  connectionId: string;
  now: string;
}

export function releaseAccount(
  command: ReleaseAccount,
  state: AccountClaimState,
): AccountReleased[] {
  if (holderIn(state, command.workspaceId)?.connectionId !== command.connectionId) return [];
  return [
    {
      type: 'AccountReleased',
      data: {
        platform: command.platform,
        accountId: command.accountId,
        workspaceId: command.workspaceId,
        connectionId: command.connectionId,
        at: command.now,
      },
    },
  ];
}

/** The holding of a workspace, if it holds the account. */
export function holderIn(state: AccountClaimState, workspaceId: string): Holding | undefined {
  return entryOf(state.holders, workspaceId);
}

/** Every holder: the ones a claim must check for staleness. */
export function holdersOf(state: AccountClaimState): AccountHolder[] {
  return Object.values(state.holders).map(({ workspaceId, connectionId }) => ({
    workspaceId,
    connectionId,
  }));
}

/** Holders other than the given workspace. */
export function otherHolders(state: AccountClaimState, workspaceId: string): AccountHolder[] {
  return holdersOf(state).filter((h) => h.workspaceId !== workspaceId);
}
