import { systemContext, type Clock, type WorkspaceCommands } from '@ledger/commands';
import { DomainError } from '@ledger/domain';
import type { LeaseKeeper, LeaseStore } from '@ledger/leases';
import type { ConfiguredPlatforms, HealthOutcome } from '@ledger/platforms';
import type { WorkspaceReadModel, ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';

/**
 * What the check did with one connection:
 * - `healthy`: it works and was active: nothing recorded.
 * - `renamed`: it works, but the platform now names the account differently (same account id):
 *   ConnectionRenamed with the previous and the new name. (A connection restored and renamed in
 *   one check records both and says `restored`.)
 * - `restored`: it works again after `error` or `expired`: ConnectionRestored.
 * - `expired` / `error`: ConnectionExpired / ConnectionErrored with the reason (or already so,
 *   with the same reason: nothing new recorded).
 * - `transient`: the platform could not answer: nothing recorded, nothing held against it.
 * - `busy`: another worker is checking it; `disconnected`: gone meanwhile;
 *   `unsupported`: its platform is not configured here.
 */
export type HealthResult =
  | 'healthy'
  | 'renamed'
  | 'restored'
  | 'expired'
  | 'error'
  | 'transient'
  | 'busy'
  | 'disconnected'
  | 'unsupported';

export interface HealthCheckJobDeps {
  readModel: WorkspaceReadModel;
  vault: TokenVault;
  /** Each connection's platform: its health probe, absent without credentials. */
  platforms: ConfiguredPlatforms;
  workspaces: WorkspaceCommands;
  leases: LeaseKeeper;
  clock: Clock;
  /**
   * Where the period marker lives (the store behind `leases`): `tick()` takes the lease
   * `job:health-check:period` for `periodMs` and never releases it, so the check runs at most
   * once per period across every worker and restart.
   */
  leaseStore: LeaseStore;
  /** HEALTH_CHECK_EVERY_SECONDS in milliseconds: at most one check per this period. */
  periodMs: number;
  /** Connections read per page; default 200. */
  pageSize?: number;
}

const JOB_LEASE = 'job:health-check';
/** Held for a whole period from the start of a check, never released after a completed one. */
export const HEALTH_CHECK_PERIOD_LEASE = 'job:health-check:period';
const JOB_LEASE_TTL_MS = 5 * 60_000;
const CONNECTION_LEASE_TTL_MS = 60_000;
const RESTORED_REASON = 'the platform answers again';
const CAUSE = 'health check';

/**
 * Checks every connection's health at its platform (a configurable schedule; weekly by
 * default). One worker runs a check at a time (lease `job:health-check`), and a connection is
 * probed by one worker at a time (lease `health:<connectionId>`). A dead token makes the
 * connection `expired`; revoked permissions, a vanished or no longer administered account make
 * it `error`, each with its reason; a connection that answers again is restored to `active`.
 * A transient platform failure changes nothing.
 */
export class HealthCheckJob {
  constructor(private readonly deps: HealthCheckJobDeps) {}

  /**
   * The scheduled entry point, called often (every minute): runs the check only when this
   * period's marker (lease `job:health-check:period`, ttl = the period, persisted with the
   * leases) can be taken, so the check runs at most once per period however many workers tick
   * and however often they restart. The marker is kept after a completed check; it is released
   * when the check fails or another worker is still running one, so a later tick retries. A
   * worker that dies mid-check leaves the marker: that period's check is not retried.
   * Resolves to null when nothing ran.
   */
  async tick(): Promise<Map<string, HealthResult> | null> {
    const marker = await this.deps.leaseStore.acquire(
      HEALTH_CHECK_PERIOD_LEASE,
      this.deps.leases.holder,
      this.deps.periodMs,
      this.deps.clock.now(),
    );
    if (!marker) return null;
    let results: Map<string, HealthResult> | null = null;
    try {
      results = await this.runOnce();
      return results;
    } finally {
      if (!results) await this.deps.leaseStore.release(marker);
    }
  }

  /** Every connection of every workspace, paged; null when another worker is running it. */
  async runOnce(): Promise<Map<string, HealthResult> | null> {
    const outcome = await this.deps.leases.runExclusively(
      JOB_LEASE,
      JOB_LEASE_TTL_MS,
      async (signal) => {
        const results = new Map<string, HealthResult>();
        const pageSize = this.deps.pageSize ?? 200;
        let afterId: string | null = null;
        for (;;) {
          signal.throwIfLost();
          const page = await this.deps.readModel.listAllConnections(afterId, pageSize);
          for (const connection of page) {
            signal.throwIfLost();
            results.set(connection.id, await this.checkOne(connection));
          }
          if (page.length < pageSize) return results;
          afterId = page[page.length - 1].id;
        }
      },
    );
    return outcome.ran ? outcome.value : null;
  }

  async checkOne(connection: ConnectionView): Promise<HealthResult> {
    const probe = this.deps.platforms.get(connection.platform).health;
    if (!probe) return 'unsupported';
    const outcome = await this.deps.leases.runExclusively(
      `health:${connection.id}`,
      CONNECTION_LEASE_TTL_MS,
      async () => {
        const ref = { workspaceId: connection.workspaceId, connectionId: connection.id };
        const tokens = await this.deps.vault.read(ref);
        if (!tokens) return 'disconnected' as const;
        const health = await probe.probe({
          platform: connection.platform,
          accountId: connection.accountId,
          accountName: connection.accountName,
          accountType: connection.accountType,
          tokens,
        });
        if (health.kind === 'expired' || health.kind === 'error') {
          // A refresh or a reconnect may have replaced the token while it was being probed:
          // the probe then judged a token nobody uses any more.
          const current = await this.deps.vault.read(ref);
          if (!current) return 'disconnected' as const;
          if (current.accessToken !== tokens.accessToken) return 'transient' as const;
        }
        return this.record(connection, health);
      },
    );
    return outcome.ran ? outcome.value : 'busy';
  }

  private async record(connection: ConnectionView, health: HealthOutcome): Promise<HealthResult> {
    switch (health.kind) {
      case 'transient':
        return 'transient';
      case 'healthy': {
        let result: HealthResult = 'healthy';
        if (connection.status !== 'active') {
          result = await this.execute(
            connection,
            { type: 'RestoreConnection', reason: RESTORED_REASON },
            'restored',
          );
          if (result === 'disconnected') return result;
        }
        if (!health.renamed) return result;
        const renamed = await this.execute(
          connection,
          { type: 'RecordAccountRenamed', accountName: health.accountName },
          'renamed',
        );
        if (renamed === 'disconnected') return renamed;
        return result === 'healthy' ? 'renamed' : result;
      }
      case 'expired':
        if (connection.status === 'expired') return 'expired';
        return this.execute(
          connection,
          { type: 'MarkConnectionExpired', reason: health.reason },
          'expired',
        );
      case 'error':
        if (connection.status === 'error' && connection.statusReason === health.reason) {
          return 'error';
        }
        return this.execute(
          connection,
          { type: 'MarkConnectionErrored', reason: health.reason },
          'error',
        );
    }
  }

  private async execute(
    connection: ConnectionView,
    command:
      | {
          type: 'RestoreConnection' | 'MarkConnectionExpired' | 'MarkConnectionErrored';
          reason: string;
        }
      | { type: 'RecordAccountRenamed'; accountName: string },
    result: HealthResult,
  ): Promise<HealthResult> {
    try {
      await this.deps.workspaces.execute(
        {
          ...command,
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          now: this.deps.clock.now().toISOString(),
        },
        systemContext(CAUSE),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return 'disconnected';
      throw error;
    }
    return result;
  }
}
