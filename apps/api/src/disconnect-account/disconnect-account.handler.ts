import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type Clock, type CommandContext } from '@ledger/commands';
import { workspaceStream, type ConnectionDisconnected } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { CLOCK, EVENT_STORE } from '@ledger/runtime';
import { ConnectionTeardown } from './connection-teardown';
import { DisconnectAccountCommand, type DisconnectReport } from './disconnect-account.command';

/**
 * Disconnect: the connection (and what exists only through it) leaves the workspace (the event
 * is the point of no return), then each is torn down: tokens revoked at the platform where it
 * offers that, shredded, account claim released (ConnectionTeardown). If the process dies in
 * between, the tokens belong to a connection that no longer exists and the claim is stale:
 * neither can be used. The client got no answer and sends the DELETE again: that one is refused
 * (the connection is gone) but first finishes the teardown, which nothing else would do for the
 * tokens (a later claim of the account only passes over the stale claim).
 */
@CommandHandler(DisconnectAccountCommand)
export class DisconnectAccountHandler implements ICommandHandler<DisconnectAccountCommand> {
  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly teardown: ConnectionTeardown,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(
    command: DisconnectAccountCommand,
  ): Promise<{ report: DisconnectReport; position: string | null }> {
    const { workspaceId, connectionId } = command;
    const before = (await this.workspaces.load(workspaceId)).state.connections[connectionId];
    // Not connected (any more): decide() refuses below, after an earlier disconnect's cleanup.
    if (!before) await this.finishEarlierDisconnect(workspaceId, connectionId, command.context);
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
    const [asked, ...cascaded] = await this.teardown.tearDownAll(
      workspaceId,
      [event, ...dependents],
      command.context,
    );
    return {
      position: result.position,
      report: {
        connectionId,
        platform: event.data.platform,
        accountName: before.accountName,
        disconnectedAt: event.data.at,
        wasMain: event.data.wasMain,
        tokensDestroyed: asked!.tokensDestroyed,
        revocation: asked!.revocation,
        scheduledPostsFailed: result.events.filter((e) => e.type === 'PostFailed').length,
        campaignsFlagged: new Set(
          result.events.flatMap((e) => (e.type === 'CampaignFlagged' ? [e.data.campaignId] : [])),
        ).size,
        alsoDisconnected: dependents.map((d, i) => ({
          connectionId: d.data.connectionId,
          platform: d.data.platform,
          reason: d.data.reason,
          revocation: cascaded[i]!.revocation,
        })),
      },
    };
  }

  /** Tears down again what a recorded disconnect of `connectionId` took away. */
  private async finishEarlierDisconnect(
    workspaceId: string,
    connectionId: string,
    context: CommandContext,
  ): Promise<void> {
    const gone: ConnectionDisconnected[] = [];
    for await (const recorded of this.store.readStream(workspaceStream(workspaceId))) {
      const data = recorded.data as ConnectionDisconnected['data'];
      if (
        recorded.type === 'ConnectionDisconnected' &&
        (data.connectionId === connectionId || data.causedByConnectionId === connectionId)
      ) {
        gone.push({ type: 'ConnectionDisconnected', data });
      }
    }
    await this.teardown.tearDownAll(workspaceId, gone, context);
  }
}
