import type { CommandContext } from '@ledger/commands';
import type { Plan } from '@ledger/domain';

export class ChangePlanCommand {
  constructor(
    readonly workspaceId: string,
    readonly plan: Plan,
    readonly context: CommandContext,
  ) {}
}
