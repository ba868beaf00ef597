import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '@ledger/domain';
import type { WorkspaceReadModel } from '@ledger/read-models';
import { TokenRefreshJob, type RefreshResult } from '@ledger/jobs';
import { WORKSPACE_READ_MODEL } from '@ledger/runtime';

/** Refresh one connection's token now, as a user asked. */
export class RefreshConnectionCommand {
  constructor(
    readonly workspaceId: string,
    readonly connectionId: string,
  ) {}
}

/** Runs the scheduled refresh for this connection now; a connection gone is NOT_FOUND. */
@CommandHandler(RefreshConnectionCommand)
export class RefreshConnectionHandler implements ICommandHandler<RefreshConnectionCommand> {
  constructor(
    private readonly refresher: TokenRefreshJob,
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
  ) {}

  async execute({ workspaceId, connectionId }: RefreshConnectionCommand): Promise<RefreshResult> {
    const connection = await this.readModel.getConnection(workspaceId, connectionId);
    const result = connection ? await this.refresher.refreshNow(connection) : 'disconnected';
    if (result === 'disconnected') {
      throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
        connectionId,
      });
    }
    return result;
  }
}
