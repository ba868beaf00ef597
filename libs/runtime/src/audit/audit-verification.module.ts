import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
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
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK, EVENT_STORE, MONGO_CONNECTION } from '../storage/injection-tokens';
import { sqliteFile } from '../storage/token-vault.factory';

export const CHECKPOINT_STORE = Symbol('CheckpointStore');

/**
 * Tamper evidence (for the verify routes, the CLI's verify and the checkpoint job): over the hash chain the event
 * store writes and the Ed25519 checkpoints kept in DATA_DIR (or MongoDB). The signing key is
 * AUDIT_SIGNING_KEY (PKCS8 DER, base64; required in production), else a local key file.
 */
@Module({
  providers: [
    {
      provide: CHECKPOINT_STORE,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: async (config: AppConfig, mongo: Connection | null): Promise<CheckpointStore> =>
        mongo
          ? MongoCheckpointStore.open({ mongo })
          : SqliteCheckpointStore.open({
              sqlitePath: sqliteFile(config, 'audit-checkpoints.sqlite'),
            }),
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
export class AuditVerificationModule implements OnApplicationShutdown {
  constructor(@Inject(CHECKPOINT_STORE) private readonly store: CheckpointStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
