import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  AccountClaims,
  connectionIdFor,
  connectWithClaim,
  WorkspaceCommands,
  type Clock,
} from '@ledger/commands';
import { decide, type ReconnectAccount } from '@ledger/domain';
import type { TokenVault } from '@ledger/token-vault';
import { CLOCK, TOKEN_VAULT } from '@ledger/runtime';
import { ConnectAccountCommand, type ConnectAccountResult } from './connect-account.command';

/**
 * Claim the platform account (one workspace per account), keep the tokens in the vault, then
 * record the connection (connectWithClaim). Tokens are stored before the event so that an
 * acknowledged connection always has its tokens; if the workspace refuses (plan limit), the
 * tokens are shredded and the claim released.
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
    const vaultRef = { workspaceId, connectionId };
    const result = await connectWithClaim(
      { workspaces: this.workspaces, claims: this.claims },
      {
        type: 'ConnectAccount',
        workspaceId,
        connectionId,
        platform,
        account,
        scopes: tokens.scopes,
        tokenExpiresAt: tokens.expiresAt,
        copiedFrom: command.options.copiedFrom ?? null,
        linkedAccount: command.options.linkedAccount ?? null,
        now: this.clock.now().toISOString(),
      },
      context,
      {
        afterClaim: () => this.vault.store(vaultRef, tokens),
        onAbandon: async () => void (await this.vault.destroy(vaultRef)),
      },
    );
    return { connectionId, position: result.position };
  }

  /**
   * The new tokens are stored before ConnectionReconnected is appended: a crash in between
   * leaves the connection with working tokens of its own account (the event, appended by a
   * retry, only catches the status up), never an acknowledged reconnect holding dead tokens.
   */
  private async reconnect(
    command: ConnectAccountCommand,
    connectionId: string,
  ): Promise<ConnectAccountResult> {
    const { workspaceId, account, tokens, context } = command;
    const reconnect: ReconnectAccount = {
      type: 'ReconnectAccount',
      workspaceId,
      connectionId,
      account,
      scopes: tokens.scopes,
      tokenExpiresAt: tokens.expiresAt,
      now: this.clock.now().toISOString(),
    };
    // Another account, or no such connection: refused before any token is replaced.
    decide(reconnect, (await this.workspaces.load(workspaceId)).state);
    const ref = { workspaceId, connectionId };
    await this.vault.store(ref, tokens);
    try {
      const result = await this.workspaces.execute(reconnect, context);
      return { connectionId, position: result.position };
    } catch (error) {
      // Disconnected meanwhile: its teardown may have shredded before our write, so shred again.
      const { state } = await this.workspaces.load(workspaceId).catch(() => ({ state: null }));
      if (state && !state.connections[connectionId]) {
        await this.vault.destroy(ref).catch(() => false); // the refusal is what the caller needs
      }
      throw error;
    }
  }
}
