import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  AuditVerifier,
  ChainCheckpoints,
  type CheckpointStore,
  loadSigningKey,
  MongoCheckpointStore,
  SqliteCheckpointStore,
} from '@ledger/audit';
import type { Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK, EVENT_STORE, MONGO_CONNECTION } from '../storage/injection-tokens';
import { sqliteFile } from '../storage/token-vault.factory';
import { VerifyAuditController } from './verify-audit.controller';

export const CHECKPOINT_STORE = Symbol('CheckpointStore');

/**
 * Tamper evidence: the verify and checkpoint-export routes, over the hash chain the event
 * store writes and the Ed25519 checkpoints kept in DATA_DIR (or MongoDB). The signing key is
 * AUDIT_SIGNING_KEY (PKCS8 DER, base64; required in production), else a local key file.
 */
@Module({
  controllers: [VerifyAuditController],
  providers: [
    {
      provide: CHECKPOINT_STORE,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (config: AppConfig, mongo: Connection | null): Promise<CheckpointStore> =>
        mongo
          ? MongoCheckpointStore.create(mongo)
          : new SqliteCheckpointStore(sqliteFile(config, 'audit-checkpoints.sqlite')),
    },
    {
      provide: ChainCheckpoints,
      inject: [APP_CONFIG, EVENT_STORE, CHECKPOINT_STORE, CLOCK],
      useFactory: (config: AppConfig, events: EventStore, store: CheckpointStore, clock: Clock) => {
        const logger = new Logger('Audit');
        const configuredKey = config.auditSigningKey ?? null;
        if (!configuredKey && config.isProduction) {
          // Production refuses to start without it (missingProductionSecrets); this is the
          // last line of defence: every signing or verification then fails loudly.
          logger.error(
            'AUDIT_SIGNING_KEY is not set: chain checkpoints are neither signed nor verified.',
          );
          return new ChainCheckpoints(events, store, null, { clock });
        }
        const key = loadSigningKey({
          configuredKey,
          dataDir: config.dataDir,
          isProduction: config.isProduction,
        });
        if (key.localPath) {
          logger.warn(
            `AUDIT_SIGNING_KEY is not set: ${key.created ? 'created' : 'using'} a local checkpoint signing key at ${key.localPath}. Set AUDIT_SIGNING_KEY outside local runs.`,
          );
        }
        return new ChainCheckpoints(events, store, key.signer, { clock });
      },
    },
    {
      provide: AuditVerifier,
      inject: [APP_CONFIG, EVENT_STORE, ChainCheckpoints, CLOCK],
      useFactory: (
        config: AppConfig,
        events: EventStore,
        checkpoints: ChainCheckpoints,
        clock: Clock,
      ) =>
        new AuditVerifier(events, checkpoints, {
          clock,
          checkpointDueWithinMs: config.jobs.auditCheckpointEveryMs + config.auditCheckpointGraceMs,
        }),
    },
  ],
  exports: [ChainCheckpoints, AuditVerifier],
})
export class VerifyAuditModule implements OnApplicationShutdown {
  constructor(@Inject(CHECKPOINT_STORE) private readonly store: CheckpointStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The job that signs chain heads periodically, under the `job:audit-checkpoints` lease so one
 * worker signs at a time. JobsModule imports it, so it runs wherever the scheduled jobs run.
 */
@Module({ imports: [VerifyAuditModule] })
export class AuditCheckpointJobModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private running = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly leases: LeaseKeeper,
    private readonly checkpoints: ChainCheckpoints,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.config.jobs.auditCheckpointEveryMs;
    const interval = setInterval(() => void this.tick(everyMs), everyMs);
    interval.unref();
    this.scheduler.addInterval('audit-checkpoints', interval);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'audit-checkpoints')) {
      this.scheduler.deleteInterval('audit-checkpoints');
    }
  }

  private async tick(everyMs: number): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.leases.runExclusively('job:audit-checkpoints', Math.max(everyMs * 2, 30_000), () =>
        this.checkpoints.signHeads(),
      );
    } catch (error) {
      this.logger.error(
        `audit-checkpoints failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
