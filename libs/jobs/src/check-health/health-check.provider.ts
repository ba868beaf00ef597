import type { Provider } from '@nestjs/common';
import { WorkspaceCommands, type Clock } from '@ledger/commands';
import { LeaseKeeper, type LeaseStore } from '@ledger/leases';
import { ConfiguredPlatforms } from '@ledger/platforms';
import type { WorkspaceReadModel } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { CLOCK, WORKSPACE_READ_MODEL, LEASE_STORE, TOKEN_VAULT } from '@ledger/runtime';
import { HealthCheckJob } from './health-check.job';

/** The health check, with a probe per configured platform; the jobs schedule it. */
export const healthCheckProvider: Provider = {
  provide: HealthCheckJob,
  inject: [
    WORKSPACE_READ_MODEL,
    TOKEN_VAULT,
    ConfiguredPlatforms,
    WorkspaceCommands,
    LeaseKeeper,
    CLOCK,
    LEASE_STORE,
    APP_CONFIG,
  ],
  useFactory: (
    readModel: WorkspaceReadModel,
    vault: TokenVault,
    platforms: ConfiguredPlatforms,
    workspaces: WorkspaceCommands,
    leases: LeaseKeeper,
    clock: Clock,
    leaseStore: LeaseStore,
    config: AppConfig,
  ) =>
    new HealthCheckJob({
      readModel,
      vault,
      platforms,
      workspaces,
      leases,
      clock,
      leaseStore,
      periodMs: config.jobs.healthCheckEveryMs,
    }),
};
