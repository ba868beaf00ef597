import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  AccountClaims,
  connectionIdFor,
  connectWithClaim,
  WorkspaceCommands,
  type Clock,
} from '@ledger/commands';
import type { ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { CLOCK, TOKEN_VAULT } from '@ledger/runtime';
import { ConnectAccountCommand } from './connect-account.command';

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
    private readonly responder: ConnectionResponder,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ConnectAccountCommand): Promise<ConnectionView> {
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
    return this.responder.find(workspaceId, connectionId, result.position);
  }
}
