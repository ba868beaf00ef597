import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountClaims, connectionIdFor, WorkspaceCommands, type Clock } from '@ledger/commands';
import type { TokenVault } from '@ledger/token-vault';
import { CLOCK, TOKEN_VAULT } from '../storage/injection-tokens';
import { ConnectAccountCommand, type ConnectAccountResult } from './connect-account.command';

/**
 * Claim the platform account (one workspace per account), keep the tokens in the vault, then
 * record the connection. Tokens are stored before the event so that an acknowledged connection
 * always has its tokens; if the workspace refuses (plan limit), the tokens are shredded and the
 * claim released.
 */
@CommandHandler(ConnectAccountCommand)
export class ConnectAccountHandler implements ICommandHandler<ConnectAccountCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly claims: AccountClaims,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ConnectAccountCommand): Promise<ConnectAccountResult> {
    const reconnectId = command.options.reconnectConnectionId;
    return reconnectId ? this.reconnect(command, reconnectId) : this.connect(command);
  }

  private async connect(command: ConnectAccountCommand): Promise<ConnectAccountResult> {
    const { workspaceId, platform, account, tokens, context } = command;
    const connectionId = connectionIdFor(context.commandId, platform, account.accountId);
    const ref = { platform, accountId: account.accountId, workspaceId, connectionId };
    const copiedFrom = command.options.copiedFrom ?? null;

    await this.claims.claim(ref, copiedFrom ? 'copy' : 'oauth', context);
    try {
      await this.vault.store({ workspaceId, connectionId }, tokens);
      const result = await this.workspaces.execute(
        {
          type: 'ConnectAccount',
          workspaceId,
          connectionId,
          platform,
          account,
          scopes: tokens.scopes,
          tokenExpiresAt: tokens.expiresAt,
          copiedFrom,
          now: this.clock.now().toISOString(),
        },
        context,
      );
      return { connectionId, position: result.position };
    } catch (error) {
      await this.vault.destroy({ workspaceId, connectionId });
      await this.claims.release(ref, context);
      throw error;
    }
  }

  private async reconnect(
    command: ConnectAccountCommand,
    connectionId: string,
  ): Promise<ConnectAccountResult> {
    const { workspaceId, account, tokens, context } = command;
    const result = await this.workspaces.execute(
      {
        type: 'ReconnectAccount',
        workspaceId,
        connectionId,
        account,
        scopes: tokens.scopes,
        tokenExpiresAt: tokens.expiresAt,
        now: this.clock.now().toISOString(),
      },
      context,
    );
    // Only once the same account is confirmed do its new tokens replace the old ones.
    await this.vault.store({ workspaceId, connectionId }, tokens);
    return { connectionId, position: result.position };
  }
}
