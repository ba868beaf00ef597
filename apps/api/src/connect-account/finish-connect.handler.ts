import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '@ledger/commands';
import type { CompletedOAuth } from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import { ConnectAccountCommand } from './connect-account.command';
import { domainAccount, refuseIfNotConnectable, tokensForAccount } from './tokens-for-account';

/** A completed connect flow where nothing is to be chosen: every account it returned. */
export class FinishConnectCommand {
  constructor(
    readonly completed: CompletedOAuth,
    readonly context: CommandContext,
  ) {}
}

/** Connects the accounts of the flow in turn; the first refusal stops it and is the answer. */
@CommandHandler(FinishConnectCommand)
export class FinishConnectHandler implements ICommandHandler<FinishConnectCommand> {
  constructor(private readonly commands: CommandBus) {}

  async execute({ completed, context }: FinishConnectCommand): Promise<ConnectionView[]> {
    const { workspaceId, platform } = completed.pending;
    const connections: ConnectionView[] = [];
    for (const account of completed.identities) {
      refuseIfNotConnectable(platform, account);
      connections.push(
        await this.commands.execute<ConnectAccountCommand, ConnectionView>(
          new ConnectAccountCommand(
            workspaceId,
            platform,
            domainAccount(account),
            tokensForAccount(account, completed.tokens),
            context,
            { linkedAccount: account.linkedAccount ?? null },
          ),
        ),
      );
    }
    return connections;
  }
}
