import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { WorkspaceCommands, type Clock, type CommandContext } from '@ledger/commands';
import { DomainError, type Platform } from '@ledger/domain';
import { nameBasedUuid } from '@ledger/event-store';
import type { CompletedOAuth, PlatformAccount } from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import {
  SELECTION_TTL_MS,
  selectionTokenRef,
  shredSelectionTokens,
  type PendingSelection,
  type PendingSelectionStore,
  CLOCK,
  PENDING_SELECTIONS,
  TOKEN_VAULT,
} from '@ledger/runtime';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { ConnectAccountCommand, type ConnectAccountResult } from './connect-account.command';
import {
  domainAccount,
  refuseIfNotConnectable,
  tokensForAccount,
  userTokens,
} from './tokens-for-account';

export type CallbackOutcome = { connections: ConnectionView[] } | { selection: OfferedSelection };

/** A selection as its user sees it: what the callback answers, and GET on the selection. */
export interface OfferedSelection {
  id: string;
  expiresAt: string;
  accounts: OfferedAccountView[];
}

export interface OfferedAccountView {
  accountId: string;
  accountName: string;
  accountType: string;
  connectable: boolean;
  reason: string | null;
}

/**
 * What a completed OAuth flow does, by intent: connect (at once, or through a selection where
 * the user must choose Pages or company pages), reconnect the same account, or copy a
 * connection into another workspace.
 */
@Injectable()
export class OAuthCallbackService {
  constructor(
    private readonly commands: CommandBus,
    private readonly workspaces: WorkspaceCommands,
    private readonly responder: ConnectionResponder,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(
    platform: Platform,
    completed: CompletedOAuth,
    selectionRequired: boolean,
    correlationId: string | undefined,
  ): Promise<CallbackOutcome> {
    const { pending, identities } = completed;
    const context = contextOf(completed, correlationId);
    const intent = pending.intent;
    if (intent.kind === 'reconnect') {
      const connection = await this.reconnect(platform, completed, intent.connectionId, context);
      return { connections: [connection] };
    }
    if (intent.kind === 'copy') {
      return { connections: [await this.copy(platform, completed, intent, context)] };
    }
    if (selectionRequired) return { selection: await this.offer(platform, completed) };
    const connections: ConnectionView[] = [];
    for (const account of identities) {
      refuseIfNotConnectable(platform, account);
      connections.push(
        await this.connect(pending.workspaceId, platform, account, completed, context),
      );
    }
    return { connections };
  }

  private async connect(
    workspaceId: string,
    platform: Platform,
    account: PlatformAccount,
    completed: CompletedOAuth,
    context: CommandContext,
    copiedFrom?: { workspaceId: string; connectionId: string },
  ): Promise<ConnectionView> {
    const result: ConnectAccountResult = await this.commands.execute(
      new ConnectAccountCommand(
        workspaceId,
        platform,
        domainAccount(account),
        tokensForAccount(account, completed.tokens),
        context,
        { copiedFrom, linkedAccount: account.linkedAccount ?? null },
      ),
    );
    return this.responder.find(workspaceId, result.connectionId, result.position);
  }

  private async reconnect(
    platform: Platform,
    completed: CompletedOAuth,
    connectionId: string,
    context: CommandContext,
  ): Promise<ConnectionView> {
    const { workspaceId } = completed.pending;
    const { state } = await this.workspaces.load(workspaceId);
    const current = state.connections[connectionId];
    // Among several accounts (Pages), the one this connection is; else the domain refuses.
    const account =
      completed.identities.find((a) => a.accountId === current?.accountId) ??
      completed.identities[0];
    if (!account)
      throw new DomainError('ACCOUNT_NOT_FOUND', `The ${platform} sign-in returned no account.`);
    refuseIfNotConnectable(platform, account);
    const result: ConnectAccountResult = await this.commands.execute(
      new ConnectAccountCommand(
        workspaceId,
        platform,
        domainAccount(account),
        tokensForAccount(account, completed.tokens),
        context,
        { reconnectConnectionId: connectionId },
      ),
    );
    return this.responder.find(workspaceId, result.connectionId, result.position);
  }

  private async copy(
    platform: Platform,
    completed: CompletedOAuth,
    intent: { sourceWorkspaceId: string; sourceConnectionId: string },
    context: CommandContext,
  ): Promise<ConnectionView> {
    const { state } = await this.workspaces.load(intent.sourceWorkspaceId);
    const source = state.connections[intent.sourceConnectionId];
    if (!source || source.platform !== platform) {
      throw new DomainError(
        'NOT_FOUND',
        'The connection being copied was disconnected meanwhile.',
        {
          connectionId: intent.sourceConnectionId,
        },
      );
    }
    const account = completed.identities.find((a) => a.accountId === source.accountId);
    if (!account) {
      throw new DomainError(
        'COPY_ACCOUNT_MISMATCH',
        `You signed in to ${platform} without access to ${source.accountName}, the account being copied. Sign in as a user who manages it.`,
        { platform, expectedAccountName: source.accountName },
      );
    }
    refuseIfNotConnectable(platform, account);
    return this.connect(completed.pending.workspaceId, platform, account, completed, context, {
      workspaceId: intent.sourceWorkspaceId,
      connectionId: intent.sourceConnectionId,
    });
  }

  /** Seals the tokens under a new selection and answers what the user may choose from. */
  private async offer(platform: Platform, completed: CompletedOAuth) {
    const { pending, identities, tokens } = completed;
    const now = this.clock.now();
    // Abandoned selections leave sealed tokens behind: shred them as new ones arrive.
    for (const expired of await this.selections.purgeExpired(now)) {
      await shredSelectionTokens(this.vault, expired);
    }
    const selection: PendingSelection = {
      id: randomBytes(16).toString('base64url'),
      platform,
      workspaceId: pending.workspaceId,
      userId: pending.userId,
      intent: pending.intent,
      actor: pending.actor,
      accounts: identities.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        accountType: a.accountType,
        connectable: !a.refusal,
        reason: a.refusal?.reason ?? null,
        refusal: a.refusal ?? null,
        linkedAccount: a.linkedAccount ?? null,
        hasAccountToken: Boolean(a.accountToken),
      })),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SELECTION_TTL_MS),
    };
    await this.vault.store(selectionTokenRef(selection), userTokens(tokens));
    for (const account of identities) {
      if (account.accountToken) {
        await this.vault.store(
          selectionTokenRef(selection, account.accountId),
          tokensForAccount(account, tokens),
        );
      }
    }
    await this.selections.save(selection);
    return offeredSelection(selection);
  }
}

export function contextOf(
  completed: CompletedOAuth,
  correlationId: string | undefined,
): CommandContext {
  const { pending } = completed;
  // The state is single use, so a command id derived from it is stable for this flow only.
  const commandId = nameBasedUuid(`oauth\u0000${pending.state}`);
  return {
    commandId,
    actor: {
      userId: pending.userId,
      role: pending.actor.role,
      ip: pending.actor.ip,
      userAgent: pending.actor.userAgent,
    },
    correlationId: correlationId ?? commandId,
    causationId: null,
  };
}

/** What the user is shown of a pending selection: no token references, no refusal internals. */
export function offeredSelection(selection: PendingSelection): OfferedSelection {
  return {
    id: selection.id,
    expiresAt: selection.expiresAt.toISOString(),
    accounts: selection.accounts.map(
      ({ accountId, accountName, accountType, connectable, reason }) => ({
        accountId,
        accountName,
        accountType,
        connectable,
        reason,
      }),
    ),
  };
}
