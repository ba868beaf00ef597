import type { Provider } from '@nestjs/common';
import { WorkspaceCommands, type Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import { ConfiguredPlatforms } from '@ledger/platforms';
import {
  DuePostsProjection,
  openDuePostsStore,
  type DuePostsStore,
} from '@ledger/read-models/due-posts';
import type { TokenVault } from '@ledger/token-vault';
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { CLOCK, EVENT_STORE, MONGO_CONNECTION, TOKEN_VAULT } from '@ledger/runtime';
import { PublishPostsJob } from './publish-posts.job';

export const DUE_POSTS_STORE = Symbol('DuePostsStore');

/** The due-posts index and the publisher job, for the jobs module. */
export const publishPostsProviders: Provider[] = [
  {
    provide: DUE_POSTS_STORE,
    inject: [APP_CONFIG, MONGO_CONNECTION],
    useFactory: (config: AppConfig, mongo: Connection | null): Promise<DuePostsStore> =>
      openDuePostsStore({ dataDir: config.dataDir, mongoConnection: mongo }),
  },
  {
    provide: PublishPostsJob,
    inject: [
      DUE_POSTS_STORE,
      EVENT_STORE,
      WorkspaceCommands,
      TOKEN_VAULT,
      ConfiguredPlatforms,
      LeaseKeeper,
      CLOCK,
    ],
    useFactory: (
      duePosts: DuePostsStore,
      events: EventStore,
      workspaces: WorkspaceCommands,
      vault: TokenVault,
      platforms: ConfiguredPlatforms,
      leases: LeaseKeeper,
      clock: Clock,
    ) =>
      new PublishPostsJob({
        duePosts,
        projection: new DuePostsProjection(events, duePosts),
        workspaces,
        vault,
        platforms,
        leases,
        clock,
        holder: `pid-${process.pid}`,
      }),
  },
];
