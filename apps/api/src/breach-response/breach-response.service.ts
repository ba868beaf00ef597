import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AccountClaims,
  WorkspaceCommands,
  type Clock,
  type CommandContext,
} from '@ledger/commands';
import { DomainError, type ConnectionDisconnected, type WorkspaceEvent } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import {
  loadPlatformsConfig,
  tokenRevokers,
  type RevocableTokens,
  type TokenRevoker,
} from '@ledger/platforms';
import type { TokenVault } from '@ledger/token-vault';
import { validationFailed } from '../http/problem';
import { PLATFORM_ENV } from '../connect-account/oauth.providers';
import { CLOCK, EVENT_STORE, TOKEN_VAULT } from '../storage/injection-tokens';
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

/**
 * Breach response: every connection of the workspace is disconnected (each its own
 * `DisconnectAccount`, so pending posts fail and campaigns are flagged in the same append),
 * then all the workspace's tokens are shredded (`destroyWorkspace`), claims released, and the
 * tokens read beforehand are revoked at the platforms that offer it. A revocation failure is a
 * result in the report, never a reason to stop. A second run finds nothing to cut and says so.
 */
@Injectable()
export class BreachResponseService {
  private readonly logger = new Logger(BreachResponseService.name);
  private readonly revokers: Record<string, TokenRevoker>;

  constructor(
    private readonly workspaces: WorkspaceCommands,
    private readonly claims: AccountClaims,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PLATFORM_ENV) env: Record<string, string | undefined>,
  ) {
    this.revokers = tokenRevokers(loadPlatformsConfig(env));
  }

  async respond(
    request: BreachResponseRequest,
  ): Promise<{ report: BreachReport; position: string | null }> {
    const { workspaceId, context } = request;
    const startedAt = this.clock.now();
    this.windowOf(request, startedAt); // refuse an empty window before cutting anything
    const reason = `breach response: ${request.reason}`;
    const { state } = await this.workspaces.load(workspaceId);
    const connections = Object.values(state.connections);

    // Read the tokens before they are shredded: revocation needs them (memory only).
    const tokens = new Map<string, RevocableTokens | null>();
    for (const c of connections) {
      tokens.set(c.id, await this.readTokens(workspaceId, c.id));
    }

    const cut: BreachConnectionCut[] = [];
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
      for (const gone of result.events.filter(
        (e): e is ConnectionDisconnected => e.type === 'ConnectionDisconnected',
      )) {
        const before = state.connections[gone.data.connectionId];
        cut.push({
          connectionId: gone.data.connectionId,
          platform: gone.data.platform,
          accountId: gone.data.accountId,
          accountName: before?.accountName ?? '',
          wasMain: gone.data.wasMain,
          causedByConnectionId: gone.data.causedByConnectionId ?? null,
        });
      }
    }

    // Crypto-shredding: every sealed record of the workspace, stray ones included.
    const tokensDestroyed = await this.vault.destroyWorkspace(workspaceId);
    for (const gone of cut) {
      await this.claims.release(
        {
          platform: gone.platform as ConnectionDisconnected['data']['platform'],
          accountId: gone.accountId,
          workspaceId,
          connectionId: gone.connectionId,
        },
        context,
      );
    }

    const revocations: BreachRevocation[] = [];
    for (const gone of cut) {
      const held = tokens.get(gone.connectionId) ?? null;
      tokens.delete(gone.connectionId);
      if (!held) {
        revocations.push({
          connectionId: gone.connectionId,
          platform: gone.platform,
          status: 'no_tokens',
          detail: 'no tokens were held for this connection',
        });
        continue;
      }
      const revoker = this.revokers[gone.platform];
      const result = revoker
        ? await revoker.revoke(held)
        : { status: 'not_offered' as const, detail: 'no revocation for this platform' };
      revocations.push({
        connectionId: gone.connectionId,
        platform: gone.platform,
        status: result.status,
        detail: result.detail,
      });
    }
    tokens.clear();

    const scheduledPostsFailed = events.filter((e) => e.type === 'PostFailed').length;
    const campaignsFlagged = new Set(
      events.flatMap((e) => (e.type === 'CampaignFlagged' ? [e.data.campaignId] : [])),
    ).size;
    // Without `to`, the window ends now: after the cut, so the report shows it.
    const window = this.windowOf(request, this.clock.now());
    const anythingCut = cut.length > 0;
    const summary = anythingCut
      ? `${cut.length} connection(s) cut, ${tokensDestroyed} token record(s) destroyed, ` +
        `${revocations.filter((r) => r.status === 'revoked').length} revoked at the platform, ` +
        `${scheduledPostsFailed} pending post(s) failed.`
      : `Nothing was left to cut: the workspace has no connections (${tokensDestroyed} token record(s) destroyed).`;
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
        tokensDestroyed,
        revocations,
        scheduledPostsFailed,
        campaignsFlagged,
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

  /** The tokens, or null when none are held or they cannot be opened (shredded regardless). */
  private async readTokens(
    workspaceId: string,
    connectionId: string,
  ): Promise<RevocableTokens | null> {
    try {
      const held = await this.vault.read({ workspaceId, connectionId });
      return held ? { accessToken: held.accessToken, refreshToken: held.refreshToken } : null;
    } catch {
      return null;
    }
  }
}
