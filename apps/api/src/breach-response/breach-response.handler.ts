import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceCommands, type Clock, type CommandContext } from '@ledger/commands';
import { DomainError, type ConnectionDisconnected, type WorkspaceEvent } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { OAuthFlows } from '@ledger/platforms';
import type { TokenVault } from '@ledger/token-vault';
import { WebhookSubscriptions } from '@ledger/webhooks';
import {
  shredSelectionTokens,
  type PendingSelectionStore,
  CLOCK,
  EVENT_STORE,
  PENDING_SELECTIONS,
  TOKEN_VAULT,
} from '@ledger/runtime';
import { ConnectionTeardown } from '../disconnect-account/connection-teardown';
import { validationFailed } from '../http/problem';
import {
  activityInWindow,
  type BreachConnectionCut,
  type BreachReport,
  type BreachRevocation,
} from './breach-report';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_WINDOW_DAYS = 30;

export interface BreachResponseRequest {
  workspaceId: string;
  reason: string;
  from?: string;
  to?: string;
  context: CommandContext;
}

/** Respond to a breach of the workspace: cut everything, then report. */
export class RespondToBreachCommand {
  constructor(readonly request: BreachResponseRequest) {}
}

/**
 * Breach response. First nothing new may arrive: the workspace's pending OAuth flows are
 * cancelled, its pending selections dropped with their sealed tokens, and its webhook removed
 * (a leaked signing secret then signs nothing; an admin sets the webhook again for a new one).
 * Then every connection is disconnected (each its own `DisconnectAccount`, so pending posts
 * fail and campaigns are flagged in the same append) and torn down like any disconnect
 * (ConnectionTeardown: revoked at the platform where it offers that, shredded, claim released),
 * and any other sealed record of the workspace is shredded too. A revocation failure is a result
 * in the report, never a reason to stop. A second run finds nothing to cut and says so.
 */
@CommandHandler(RespondToBreachCommand)
export class RespondToBreachHandler implements ICommandHandler<RespondToBreachCommand> {
  private readonly logger = new Logger('BreachResponse');

  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly teardown: ConnectionTeardown,
    private readonly oauth: OAuthFlows,
    private readonly webhooks: WebhookSubscriptions,
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    request,
  }: RespondToBreachCommand): Promise<{ report: BreachReport; position: string | null }> {
    const { workspaceId, context } = request;
    const startedAt = this.clock.now();
    this.windowOf(request, startedAt); // refuse an empty window before cutting anything
    const reason = `breach response: ${request.reason}`;

    // Before the cut, so no flow started earlier connects an account after it.
    const pendingAuthorizationsCancelled = await this.oauth.cancelWorkspace(workspaceId);
    let tokenRecordsDestroyed = 0;
    const cancelledSelections = await this.selections.takeWorkspace(workspaceId);
    for (const selection of cancelledSelections) {
      tokenRecordsDestroyed += await shredSelectionTokens(this.vault, selection);
    }
    const webhookRemoved = await this.webhooks.remove(workspaceId);

    const { state } = await this.workspaces.load(workspaceId);
    const connections = Object.values(state.connections);
    const cut: BreachConnectionCut[] = [];
    const revocations: BreachRevocation[] = [];
    const events: WorkspaceEvent[] = [];
    let position: string | null = null;
    // Independent connections first, so dependents leave with theirs (recorded as caused by it).
    const ordered = [...connections].sort(
      (a, b) => Number(Boolean(a.linkedConnectionId)) - Number(Boolean(b.linkedConnectionId)),
    );
    for (const connection of ordered) {
      if (cut.some((c) => c.connectionId === connection.id)) continue;
      let result;
      try {
        result = await this.workspaces.execute(
          {
            type: 'DisconnectAccount',
            workspaceId,
            connectionId: connection.id,
            reason,
            expectedVersion: null,
            now: this.clock.now().toISOString(),
          },
          context,
        );
      } catch (error) {
        // Gone meanwhile (a concurrent disconnect): nothing left to cut for it.
        if (error instanceof DomainError && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      position = result.position ?? position;
      events.push(...result.events);
      const gone = result.events.filter(
        (e): e is ConnectionDisconnected => e.type === 'ConnectionDisconnected',
      );
      for (const { data } of gone) {
        cut.push({
          connectionId: data.connectionId,
          platform: data.platform,
          accountId: data.accountId,
          accountName: state.connections[data.connectionId]?.accountName ?? '',
          wasMain: data.wasMain,
          causedByConnectionId: data.causedByConnectionId ?? null,
        });
      }
      for (const torn of await this.teardown.tearDownAll(workspaceId, gone, context)) {
        if (torn.tokensDestroyed) tokenRecordsDestroyed += 1;
        revocations.push({
          connectionId: torn.connectionId,
          platform: torn.platform,
          ...torn.revocation,
        });
      }
    }

    // Crypto-shredding of whatever else the workspace holds sealed (strays of crashed runs).
    tokenRecordsDestroyed += await this.vault.destroyWorkspace(workspaceId);

    const scheduledPostsFailed = events.filter((e) => e.type === 'PostFailed').length;
    const campaignsFlagged = new Set(
      events.flatMap((e) => (e.type === 'CampaignFlagged' ? [e.data.campaignId] : [])),
    ).size;
    // Without `to`, the window ends now: after the cut, so the report shows it.
    const window = this.windowOf(request, this.clock.now());
    const anythingCut = cut.length > 0;
    const cancelled =
      `${pendingAuthorizationsCancelled} pending OAuth flow(s) and ` +
      `${cancelledSelections.length} pending selection(s) cancelled` +
      (webhookRemoved ? ', webhook removed (set it again for a new secret).' : '.');
    const summary = anythingCut
      ? `${cut.length} connection(s) cut, ${tokenRecordsDestroyed} token record(s) destroyed, ` +
        `${revocations.filter((r) => r.status === 'revoked').length} revoked at the platform, ` +
        `${scheduledPostsFailed} pending post(s) failed; ${cancelled}`
      : `Nothing was left to cut: the workspace has no connections (${tokenRecordsDestroyed} token record(s) destroyed); ${cancelled}`;
    this.logger.warn(
      `breach response in workspace ${workspaceId} by ${context.actor.userId}: ${summary}`,
    );
    return {
      position,
      report: {
        workspaceId,
        reason: request.reason,
        startedAt: startedAt.toISOString(),
        anythingCut,
        summary,
        connectionsCut: cut,
        tokenRecordsDestroyed,
        tokensDestroyed: tokenRecordsDestroyed,
        revocations,
        scheduledPostsFailed,
        campaignsFlagged,
        pendingAuthorizationsCancelled,
        selectionsCancelled: cancelledSelections.length,
        webhookRemoved,
        window,
        connections: await activityInWindow(this.store, workspaceId, window),
      },
    };
  }

  private windowOf(request: BreachResponseRequest, now: Date): { from: string; to: string } {
    const to = request.to ? new Date(request.to) : now;
    const from = request.from
      ? new Date(request.from)
      : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (from.getTime() > to.getTime()) {
      throw validationFailed('The report window is empty', [
        { field: 'from', messages: ['from must not be after to'] },
      ]);
    }
    return { from: from.toISOString(), to: to.toISOString() };
  }
}
