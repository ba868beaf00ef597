import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type Clock, type WorkspaceCommandResult } from '@ledger/commands';
import { CLOCK } from '@ledger/runtime';
import { SetMainAccountCommand } from './set-main-account.command';

@CommandHandler(SetMainAccountCommand)
export class SetMainAccountHandler implements ICommandHandler<SetMainAccountCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: SetMainAccountCommand): Promise<WorkspaceCommandResult> {
    return this.workspaces.execute(
      {
        type: 'SetMainAccount',
        workspaceId: command.workspaceId,
        connectionId: command.connectionId,
        expectedVersion: command.expectedVersion,
        now: this.clock.now().toISOString(),
      },
      command.context,
    );
  }
}
