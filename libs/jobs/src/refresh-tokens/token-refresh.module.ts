import { Global, Module } from '@nestjs/common';
import { WorkspaceCommands, type Clock } from '@ledger/commands';
import { LeaseKeeper } from '@ledger/leases';
import { ConfiguredPlatforms } from '@ledger/platforms';
import type { WorkspaceReadModel } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import { CLOCK, WORKSPACE_READ_MODEL, TOKEN_VAULT } from '@ledger/runtime';
import { TokenRefreshJob } from './token-refresh.job';

/** The token refresher: scheduled by the jobs, and on demand from the API. */
@Global()
@Module({
  providers: [
    {
      provide: TokenRefreshJob,
      inject: [
        WORKSPACE_READ_MODEL,
        TOKEN_VAULT,
        ConfiguredPlatforms,
        WorkspaceCommands,
        LeaseKeeper,
        CLOCK,
      ],
      useFactory: (
        readModel: WorkspaceReadModel,
        vault: TokenVault,
        platforms: ConfiguredPlatforms,
        workspaces: WorkspaceCommands,
        leases: LeaseKeeper,
        clock: Clock,
      ) =>
        new TokenRefreshJob({
          readModel,
          vault,
          platforms,
          workspaces,
          leases,
          clock,
        }),
    },
  ],
  exports: [TokenRefreshJob],
})
export class TokenRefreshModule {}
