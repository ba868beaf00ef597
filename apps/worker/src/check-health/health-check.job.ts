import { systemContext, type Clock, type WorkspaceCommands } from '@ledger/commands';
import { DomainError, type Platform } from '@ledger/domain';
import type { LeaseKeeper } from '@ledger/leases';
import type { HealthOutcome, HealthProbe } from '@ledger/platforms';
import type { ConnectionsReadModel, ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';

/**
 * What the check did with one connection:
 * - `healthy`: it works and was active: nothing recorded.
 * - `renamed`: it works, but the platform now names the account differently (same account id).
 *   Nothing recorded yet: the domain has no rename command (the name updates on reconnect).
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
  readModel: ConnectionsReadModel;
  vault: TokenVault;
  probes: Map<Platform, HealthProbe>;
  workspaces: WorkspaceCommands;
  leases: LeaseKeeper;
  clock: Clock;
  /** Connections read per page; default 200. */
  pageSize?: number;
}

const JOB_LEASE = 'job:health-check';
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
    const probe = this.deps.probes.get(connection.platform);
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
      case 'healthy':
        if (connection.status === 'active') return health.renamed ? 'renamed' : 'healthy';
        return this.execute(connection, 'RestoreConnection', RESTORED_REASON, 'restored');
      case 'expired':
        if (connection.status === 'expired') return 'expired';
        return this.execute(connection, 'MarkConnectionExpired', health.reason, 'expired');
      case 'error':
        if (connection.status === 'error' && connection.statusReason === health.reason) {
          return 'error';
        }
        return this.execute(connection, 'MarkConnectionErrored', health.reason, 'error');
    }
  }

  private async execute(
    connection: ConnectionView,
    type: 'RestoreConnection' | 'MarkConnectionExpired' | 'MarkConnectionErrored',
    reason: string,
    result: HealthResult,
  ): Promise<HealthResult> {
    try {
      await this.deps.workspaces.execute(
        {
          type,
          workspaceId: connection.workspaceId,
          connectionId: connection.id,
          reason,
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
