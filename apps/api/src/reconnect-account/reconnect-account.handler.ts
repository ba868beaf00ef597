import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type Clock, type CommandContext } from '@ledger/commands';
import { decide, DomainError, type ReconnectAccount } from '@ledger/domain';
import type { CompletedOAuth } from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import {
  domainAccount,
  refuseIfNotConnectable,
  tokensForAccount,
} from '../connect-account/tokens-for-account';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { CLOCK, TOKEN_VAULT } from '@ledger/runtime';

/** A completed OAuth flow started to reconnect `connectionId`: same account, new tokens. */
export class ReconnectAccountCommand {
  constructor(
    readonly completed: CompletedOAuth,
    readonly connectionId: string,
    readonly context: CommandContext,
  ) {}
}

/**
 * Restores a connection with the tokens of a new sign-in to the same account. The new tokens
 * are stored before ConnectionReconnected is appended: a crash in between leaves the
 * connection with working tokens of its own account (the event, appended by a retry, only
 * catches the status up), never an acknowledged reconnect holding dead tokens.
 */
@CommandHandler(ReconnectAccountCommand)
export class ReconnectAccountHandler implements ICommandHandler<ReconnectAccountCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly responder: ConnectionResponder,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    completed,
    connectionId,
    context,
  }: ReconnectAccountCommand): Promise<ConnectionView> {
    const { workspaceId, platform } = completed.pending;
    const { state } = await this.workspaces.load(workspaceId);
    const current = state.connections[connectionId];
    // Among several accounts (Pages), the one this connection is; else the domain refuses.
    const account =
      completed.identities.find((a) => a.accountId === current?.accountId) ??
      completed.identities[0];
    if (!account) {
      throw new DomainError('ACCOUNT_NOT_FOUND', `The ${platform} sign-in returned no account.`);
    }
    refuseIfNotConnectable(platform, account);
    const tokens = tokensForAccount(account, completed.tokens);
    const reconnect: ReconnectAccount = {
      type: 'ReconnectAccount',
      workspaceId,
      connectionId,
      account: domainAccount(account),
      scopes: tokens.scopes,
      tokenExpiresAt: tokens.expiresAt,
      now: this.clock.now().toISOString(),
    };
    // Another account, or no such connection: refused before any token is replaced.
    decide(reconnect, state);
    const ref = { workspaceId, connectionId };
    await this.vault.store(ref, tokens);
    let position: string | null;
    try {
      ({ position } = await this.workspaces.execute(reconnect, context));
    } catch (error) {
      // Disconnected meanwhile: its teardown may have shredded before our write, so shred again.
      const { state: now } = await this.workspaces.load(workspaceId).catch(() => ({ state: null }));
      if (now && !now.connections[connectionId]) {
        await this.vault.destroy(ref).catch(() => false); // the refusal is what the caller needs
      }
      throw error;
    }
    return this.responder.find(workspaceId, connectionId, position);
  }
}
