import { entryOf, type ConnectAccount } from '@ledger/domain';
import type { AccountClaims, AccountRef } from './account-claims';
import type { CommandContext } from './command-context';
import type { WorkspaceCommandResult, WorkspaceCommands } from './workspace-commands';

export interface ConnectWithClaimHooks {
  /** Runs once the account is claimed, before the connection is recorded (e.g. store tokens). */
  afterClaim?: () => Promise<void>;
  /**
   * Runs when the connection certainly was not recorded, before the claim is released (e.g.
   * shred the tokens stored by afterClaim).
   */
  onAbandon?: () => Promise<void>;
}

export function accountRefOf(command: ConnectAccount): AccountRef {
  return {
    platform: command.platform,
    accountId: command.account.accountId,
    workspaceId: command.workspaceId,
    connectionId: command.connectionId,
  };
}

/**
 * Connects an account the way docs/decisions/0002 prescribes: claim the platform account
 * (`oauth`, or `copy` when the command names its source), then record the connection in the
 * workspace stream. When the workspace refuses (plan limit, already connected) the claim is
 * released so the account stays free for other workspaces.
 *
 * On any failure the claim is released (and onAbandon run) only when a read of the workspace
 * shows that this connection does not exist. A refusal alone does not prove it: a command run
 * again with the same command id (same connection id) is refused ALREADY_CONNECTED while its
 * first run's connection is live. When the read fails, the claim is kept: a claim without a connection
 * stops blocking after the grace period, whereas a live connection without its claim would let
 * a second workspace connect the same account. Cleanup failures never hide the original error.
 */
export async function connectWithClaim(
  services: { workspaces: WorkspaceCommands; claims: AccountClaims },
  command: ConnectAccount,
  context: CommandContext,
  hooks: ConnectWithClaimHooks = {},
): Promise<WorkspaceCommandResult> {
  const { workspaces, claims } = services;
  const ref = accountRefOf(command);
  await claims.claim(ref, command.copiedFrom ? 'copy' : 'oauth', context);
  try {
    await hooks.afterClaim?.();
    return await workspaces.execute(command, context);
  } catch (error) {
    // Even a refusal does not prove it: ALREADY_CONNECTED may mean this very command (same
    // command id, hence same connection id) succeeded before, and its claim must stay.
    if (await connectionIsAbsent(workspaces, command.workspaceId, command.connectionId)) {
      await bestEffort(() => hooks.onAbandon?.());
      await bestEffort(() => claims.release(ref, context));
    }
    throw error;
  }
}

async function connectionIsAbsent(
  workspaces: WorkspaceCommands,
  workspaceId: string,
  connectionId: string,
): Promise<boolean> {
  try {
    const { state } = await workspaces.load(workspaceId);
    return entryOf(state.connections, connectionId) === undefined;
  } catch {
    return false;
  }
}

async function bestEffort(step: () => Promise<void> | undefined): Promise<void> {
  try {
    await step();
  } catch {
    // The original error is what the caller needs; a leftover claim expires after the grace.
  }
}
