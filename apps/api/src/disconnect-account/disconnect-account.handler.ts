import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountClaims, WorkspaceCommands, type Clock } from '@ledger/commands';
import type { ConnectionDisconnected } from '@ledger/domain';
import type { TokenVault } from '@ledger/token-vault';
import { CLOCK, TOKEN_VAULT } from '../storage/injection-tokens';
import { DisconnectAccountCommand, type DisconnectReport } from './disconnect-account.command';

/**
 * Disconnect: the connection leaves the workspace (the event is the point of no return), then
 * its tokens are shredded and its account claim released. If the process dies in between,
 * the tokens belong to a connection that no longer exists and the claim is stale: neither can
 * be used, and both are cleaned up by the next disconnect/claim of that account.
 */
@CommandHandler(DisconnectAccountCommand)
export class DisconnectAccountHandler implements ICommandHandler<DisconnectAccountCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly claims: AccountClaims,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(
    command: DisconnectAccountCommand,
  ): Promise<{ report: DisconnectReport; position: string | null }> {
    const { workspaceId, connectionId } = command;
    const before = (await this.workspaces.load(workspaceId)).state.connections[connectionId];
    const result = await this.workspaces.execute(
      {
        type: 'DisconnectAccount',
        workspaceId,
        connectionId,
        reason: command.reason,
        expectedVersion: command.expectedVersion,
        now: this.clock.now().toISOString(),
      },
      command.context,
    );
    const [event, ...dependents] = result.events.filter(
      (e): e is ConnectionDisconnected => e.type === 'ConnectionDisconnected',
    );
    if (!event || !before) throw new Error('disconnect decided no event'); // decide() refuses instead
    for (const gone of [event, ...dependents]) {
      await this.vault.destroy({ workspaceId, connectionId: gone.data.connectionId });
      await this.claims.release(
        {
          platform: gone.data.platform,
          accountId: gone.data.accountId,
          workspaceId,
          connectionId: gone.data.connectionId,
        },
        command.context,
      );
    }
    return {
      position: result.position,
      report: {
        connectionId,
        platform: event.data.platform,
        accountName: before.accountName,
        disconnectedAt: event.data.at,
        wasMain: event.data.wasMain,
        tokensDestroyed: true,
        scheduledPostsFailed: result.events.filter((e) => e.type === 'PostFailed').length,
        campaignsFlagged: new Set(
          result.events.flatMap((e) => (e.type === 'CampaignFlagged' ? [e.data.campaignId] : [])),
        ).size,
        alsoDisconnected: dependents.map((d) => ({
          connectionId: d.data.connectionId,
          platform: d.data.platform,
          reason: d.data.reason,
        })),
      },
    };
  }
}
