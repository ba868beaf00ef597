import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  WorkspaceCommands,
  type Clock,
  type CommandContext,
  type WorkspaceCommandResult,
} from '@ledger/commands';
import type { WorkspaceCommand } from '@ledger/domain';
import { CLOCK } from '@ledger/runtime';

/** A domain command as a route states it: the handler stamps `now` from the service's clock. */
export type WorkspaceCommandInput = WithoutNow<WorkspaceCommand>;
type WithoutNow<C> = C extends unknown ? Omit<C, 'now'> : never;

/**
 * The bus command of every capability that is one domain command and nothing else (change
 * plan, set main, schedule a post, create a campaign): one handler for all of them instead of
 * a pass-through command and handler pair each (docs/decisions/0019).
 */
export class RecordWorkspaceCommand {
  constructor(
    readonly command: WorkspaceCommandInput,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RecordWorkspaceCommand)
export class RecordWorkspaceCommandHandler implements ICommandHandler<RecordWorkspaceCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ command, context }: RecordWorkspaceCommand): Promise<WorkspaceCommandResult> {
    const now = this.clock.now().toISOString();
    return this.workspaces.execute({ ...command, now } as WorkspaceCommand, context);
  }
}
