import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type Clock, type WorkspaceCommandResult } from '@ledger/commands';
import { CLOCK } from '@ledger/runtime';
import { ChangePlanCommand } from './change-plan.command';

@CommandHandler(ChangePlanCommand)
export class ChangePlanHandler implements ICommandHandler<ChangePlanCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: ChangePlanCommand): Promise<WorkspaceCommandResult> {
    return this.workspaces.execute(
      {
        type: 'ChangePlan',
        workspaceId: command.workspaceId,
        plan: command.plan,
        now: this.clock.now().toISOString(),
      },
      command.context,
    );
  }
}
