import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type CommandContext } from '@ledger/commands';
import { copiedAccount, copySource } from '@ledger/domain';
import type { CompletedOAuth } from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import { ConnectAccountCommand } from '../connect-account/connect-account.command';
import {
  domainAccount,
  refuseIfNotConnectable,
  tokensForAccount,
} from '../connect-account/tokens-for-account';

/** A completed flow started to copy a connection into the flow's workspace. */
export class CompleteCopyCommand {
  constructor(
    readonly completed: CompletedOAuth,
    readonly source: { workspaceId: string; connectionId: string },
    readonly context: CommandContext,
  ) {}
}

/**
 * Connects the copied account in the target workspace with the new sign-in's own tokens,
 * recording where it was copied from; the user must have signed in to that same account.
 */
@CommandHandler(CompleteCopyCommand)
export class CompleteCopyHandler implements ICommandHandler<CompleteCopyCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly workspaces: WorkspaceCommands,
  ) {}

  async execute({ completed, source, context }: CompleteCopyCommand): Promise<ConnectionView> {
    const { platform, workspaceId } = completed.pending;
    const { state } = await this.workspaces.load(source.workspaceId);
    const copied = copySource(state, source.connectionId, platform);
    const account = copiedAccount(copied, completed.identities);
    refuseIfNotConnectable(platform, account);
    return this.commands.execute<ConnectAccountCommand, ConnectionView>(
      new ConnectAccountCommand(
        workspaceId,
        platform,
        domainAccount(account),
        tokensForAccount(account, completed.tokens),
        context,
        { copiedFrom: source, linkedAccount: account.linkedAccount ?? null },
      ),
    );
  }
}
