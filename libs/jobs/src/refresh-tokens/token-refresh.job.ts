import { systemContext, type Clock, type WorkspaceCommands } from '@ledger/commands';
import { DomainError } from '@ledger/domain';
import type { LeaseKeeper } from '@ledger/leases';
import { refreshOutcome, type ConfiguredPlatforms } from '@ledger/platforms';
import type { WorkspaceReadModel, ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';

export type RefreshResult =
  | 'refreshed'
  | 'not-due'
  | 'no-refresh'
  | 'busy'
  | 'backing-off'
  | 'transient'
  | 'expired'
  | 'error'
  | 'disconnected'
  | 'unsupported';

export interface TokenRefreshJobDeps {
  readModel: WorkspaceReadModel;
  vault: TokenVault;
  /** Each connection's platform: its refresher, absent without credentials. */
  platforms: ConfiguredPlatforms;
  workspaces: WorkspaceCommands;
  leases: LeaseKeeper;
  clock: Clock;
  /** How far ahead to look: the longest lead any platform refreshes with (Meta: 15 days). */
  horizonMs?: number;
  batchSize?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const LEASE_TTL_MS = 60_000;
const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Refreshes tokens before they expire. One refresh per connection at a time, across workers
 * (lease `refresh:<connectionId>`), because X and TikTok rotate refresh tokens and a second,
 * concurrent refresh would break the connection for good. The new tokens are stored before
 * anything else uses them; then the refresh is recorded as an event. Transient failures back
 * off and leave the connection active; a dead token makes it expired, revoked permissions or a
 * vanished account make it error, each with its reason.
 */
export class TokenRefreshJob {
  private readonly backoff = new Map<string, { until: number; delayMs: number }>();

  constructor(private readonly deps: TokenRefreshJobDeps) {}

  async runOnce(): Promise<Map<string, RefreshResult>> {
    const now = this.deps.clock.now();
    const horizon = new Date(now.getTime() + (this.deps.horizonMs ?? 16 * DAY_MS)).toISOString();
    const due = await this.deps.readModel.listTokensExpiringBefore(
      horizon,
      this.deps.batchSize ?? 500,
    );
    const results = new Map<string, RefreshResult>();
    for (const connection of due) results.set(connection.id, await this.refreshOne(connection));
    return results;
  }

  /** A refresh someone asked for: not waiting for the plan's time, but never a forbidden one. */
  refreshNow(connection: ConnectionView): Promise<RefreshResult> {
    return this.refreshOne(connection, 'manual');
  }

  async refreshOne(
    connection: ConnectionView,
    trigger: 'scheduled' | 'manual' = 'scheduled',
  ): Promise<RefreshResult> {
    const refresher = this.deps.platforms.get(connection.platform).refresher;
    if (!refresher) return 'unsupported';
    const now = this.deps.clock.now();
    const wait = this.backoff.get(connection.id);
    if (trigger === 'scheduled' && wait && wait.until > now.getTime()) return 'backing-off';
    const outcome = await this.deps.leases.runExclusively(
      `refresh:${connection.id}`,
      LEASE_TTL_MS,
      async (signal) => {
        const ref = { workspaceId: connection.workspaceId, connectionId: connection.id };
        const tokens = await this.deps.vault.read(ref);
        if (!tokens) return 'disconnected' as const;
        const plan = refresher.plan(tokens, now);
        if (plan.kind === 'no-refresh') {
          if (plan.expiresAt && plan.expiresAt <= now)
            await this.mark(connection, 'expired', plan.reason);
          return 'no-refresh' as const;
        }
        if (trigger === 'scheduled' && plan.refreshAt > now) return 'not-due' as const;
        signal.throwIfLost();
        let fresh;
        try {
          fresh = await refresher.refresh(tokens, now);
        } catch (error) {
          return this.failed(connection, error);
        }
        // The rotated refresh token must be kept before anything else could need it.
        await this.deps.vault.store(ref, fresh);
        this.backoff.delete(connection.id);
        return this.record(connection, fresh.expiresAt, trigger);
      },
    );
    return outcome.ran ? outcome.value : 'busy';
  }

  private async record(
    connection: ConnectionView,
    tokenExpiresAt: string | null,
    trigger: 'scheduled' | 'manual',
  ): Promise<RefreshResult> {
    const ref = { workspaceId: connection.workspaceId, connectionId: connection.id };
    const context = systemContext('token refresh');
    try {
      await this.deps.workspaces.execute(
        {
          type: 'RecordTokensRefreshed',
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          tokenExpiresAt,
          trigger,
          now: this.deps.clock.now().toISOString(),
        },
        context,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        // Disconnected while we refreshed: its new tokens must not outlive it.
        await this.deps.vault.destroy(ref);
        return 'disconnected';
      }
      throw error;
    }
    if (connection.status !== 'active') {
      await this.deps.workspaces.execute(
        {
          type: 'RestoreConnection',
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          reason: 'the token was refreshed',
          now: this.deps.clock.now().toISOString(),
        },
        context,
      );
    }
    return 'refreshed';
  }

  private async failed(connection: ConnectionView, error: unknown): Promise<RefreshResult> {
    const outcome = refreshOutcome(error);
    if (outcome.kind === 'transient') {
      const now = this.deps.clock.now().getTime();
      const previous = this.backoff.get(connection.id)?.delayMs ?? FIRST_BACKOFF_MS / 2;
      const delayMs = Math.min(previous * 2, MAX_BACKOFF_MS);
      const until = Math.max(now + delayMs, outcome.retryAt?.getTime() ?? 0);
      this.backoff.set(connection.id, { until, delayMs });
      return 'transient';
    }
    await this.mark(connection, outcome.kind, outcome.reason);
    return outcome.kind;
  }

  private async mark(connection: ConnectionView, kind: 'expired' | 'error', reason: string) {
    await this.deps.workspaces.execute(
      {
        type: kind === 'expired' ? 'MarkConnectionExpired' : 'MarkConnectionErrored',
        workspaceId: connection.workspaceId,
        connectionId: connection.id,
        reason,
        now: this.deps.clock.now().toISOString(),
      },
      systemContext('token refresh'),
    );
  }
}
