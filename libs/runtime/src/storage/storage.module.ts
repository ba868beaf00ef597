import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AccountClaims, systemClock, WorkspaceCommands, type Clock } from '@ledger/commands';
import { createEventStore, isStorageFull, type EventStore } from '@ledger/event-store';
import {
  openWorkspaceReadModel,
  ProjectionRunner,
  type WorkspaceReadModel,
} from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import mongoose, { type Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { IdempotencyStore } from '../idempotency/idempotency-store.port';
import { IDEMPOTENCY_STORE } from '../idempotency/idempotency-store.port';
import { MongoIdempotencyStore } from '../idempotency/mongo-idempotency.store';
import { SqliteIdempotencyStore } from '../idempotency/sqlite-idempotency.store';
import {
  CLOCK,
  WORKSPACE_READ_MODEL,
  EVENT_STORE,
  KEY_RING,
  LEASE_STORE,
  MONGO_CONNECTION,
  PENDING_SELECTIONS,
  TOKEN_VAULT,
} from './injection-tokens';
import { LeaseKeeper, openLeaseStore, type LeaseHolding, type LeaseStore } from '@ledger/leases';
import type { PendingSelectionStore } from '../pending-selections/pending-selection';
import { MongoPendingSelectionStore } from '../pending-selections/mongo-pending-selection.store';
import { SqlitePendingSelectionStore } from '../pending-selections/sqlite-pending-selection.store';
import { CONNECTIONS_PROJECTION, ReadYourWrites } from './read-your-writes';
import { StorageHealth } from './storage-health';
import { createTokenVault, keyRingFor, mongoDbName, sqliteFile } from './token-vault.factory';

/**
 * The projection lease's ttl, renewed every third of it. Not shorter: a lease lost to an
 * event-loop stall under load restarts the projection; a crash on this machine no longer
 * waits for it.
 */
const PROJECTION_LEASE_TTL_MS = 10_000;

/**
 * Binds every port to the adapter the configuration asks for: SQLite files under DATA_DIR by
 * default, EventStoreDB and MongoDB when their connection strings are set.
 */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createEventStore({
          connectionString: config.eventStoreConnectionString,
          dataDir: config.dataDir,
        }),
    },
    {
      provide: WORKSPACE_READ_MODEL,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        openWorkspaceReadModel({
          mongodbUri: config.mongodbUri,
          mongodbDbName: mongoDbName(config),
          dataDir: config.dataDir,
        }),
    },
    {
      // One shared mongoose connection for the service's own records (vault, OAuth, idempotency).
      provide: MONGO_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<Connection | null> =>
        config.mongodbUri
          ? mongoose
              .createConnection(config.mongodbUri, { dbName: mongoDbName(config) })
              .asPromise()
          : null,
    },
    { provide: KEY_RING, inject: [APP_CONFIG], useFactory: keyRingFor },
    {
      provide: TOKEN_VAULT,
      inject: [APP_CONFIG, MONGO_CONNECTION, KEY_RING],
      useFactory: createTokenVault,
    },
    {
      provide: LEASE_STORE,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (config: AppConfig, mongo: Connection | null): Promise<LeaseStore> =>
        (await openLeaseStore({ dataDir: config.dataDir, mongoConnection: mongo ?? undefined }))
          .store,
    },
    {
      provide: LeaseKeeper,
      inject: [LEASE_STORE, CLOCK],
      useFactory: (store: LeaseStore, clock: Clock) => new LeaseKeeper(store, { clock }),
    },
    {
      provide: PENDING_SELECTIONS,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (
        config: AppConfig,
        mongo: Connection | null,
      ): Promise<PendingSelectionStore> => {
        return mongo
          ? MongoPendingSelectionStore.open({ mongo })
          : SqlitePendingSelectionStore.open({
              sqlitePath: sqliteFile(config, 'selections.sqlite'),
            });
      },
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (
        config: AppConfig,
        mongo: Connection | null,
      ): Promise<IdempotencyStore> => {
        return mongo
          ? MongoIdempotencyStore.open({ mongo })
          : SqliteIdempotencyStore.open({ sqlitePath: sqliteFile(config, 'idempotency.sqlite') });
      },
    },
    {
      provide: WorkspaceCommands,
      inject: [EVENT_STORE],
      useFactory: (store: EventStore) => new WorkspaceCommands(store),
    },
    {
      provide: AccountClaims,
      inject: [EVENT_STORE, WorkspaceCommands, CLOCK],
      useFactory: (store: EventStore, workspaces: WorkspaceCommands, clock: Clock) =>
        new AccountClaims(store, workspaces, clock),
    },
    {
      provide: StorageHealth,
      inject: [WORKSPACE_READ_MODEL],
      useFactory: (readModel: WorkspaceReadModel) => new StorageHealth(readModel),
    },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, WORKSPACE_READ_MODEL, StorageHealth],
      useFactory: (store: EventStore, readModel: WorkspaceReadModel, health: StorageHealth) => {
        const logger = new Logger('Projection');
        return new ProjectionRunner(store, readModel, {
          projection: CONNECTIONS_PROJECTION,
          onError: (error) => {
            if (isStorageFull(error)) health.reportFull();
            logger.error(`connections projection failed, retrying: ${String(error)}`);
          },
        });
      },
    },
    {
      provide: ReadYourWrites,
      inject: [WORKSPACE_READ_MODEL, ProjectionRunner],
      useFactory: (readModel: WorkspaceReadModel, runner: ProjectionRunner) =>
        new ReadYourWrites(readModel, 5000, runner),
    },
  ],
  exports: [
    CLOCK,
    KEY_RING,
    LEASE_STORE,
    LeaseKeeper,
    MONGO_CONNECTION,
    IDEMPOTENCY_STORE,
    PENDING_SELECTIONS,
    EVENT_STORE,
    WORKSPACE_READ_MODEL,
    TOKEN_VAULT,
    WorkspaceCommands,
    AccountClaims,
    ProjectionRunner,
    ReadYourWrites,
    StorageHealth,
  ],
})
export class StorageModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection | null,
    private readonly leases: LeaseKeeper,
  ) {}

  private holding: LeaseHolding | null = null;

  onModuleInit(): void {
    // A local run is one process; in production the worker runs the projections. Either way
    // one process at a time applies them. A process restarted on the holder's machine takes
    // the lease at its first attempt (the keeper sees the holder died); a standby elsewhere
    // retries every second and takes it once the ttl runs out (docs/decisions/0012).
    if (!this.config.runsBackgroundWork) return;
    this.holding = this.leases.holdWhileRunning(
      `projection:${CONNECTIONS_PROJECTION}`,
      () => this.projections.start(),
      () => this.projections.stop(),
      { ttlMs: PROJECTION_LEASE_TTL_MS, retryEveryMs: 1000 },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.holding?.stop();
    await this.projections.stop();
    await this.vault.close();
    await this.readModel.close();
    await this.store.close();
    await this.mongo?.close();
  }
}
