import type { CommandContext } from '@ledger/commands';

export class SetMainAccountCommand {
  constructor(
    readonly workspaceId: string,
    readonly connectionId: string,
    readonly expectedVersion: number | null,
    readonly context: CommandContext,
  ) {}
}
