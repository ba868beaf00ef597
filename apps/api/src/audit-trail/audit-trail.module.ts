import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@ledger/event-store';
import { AuditProjection, openAuditStore, type AuditStore } from '@ledger/read-models/audit';
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE, MONGO_CONNECTION } from '../storage/injection-tokens';
import { AUDIT_STORE, AuditRecorder } from './audit-recorder';
import { AuditTrailController } from './audit-trail.controller';
import { AuditTrailQueries } from './audit-trail.query';

/**
 * The audit trail: its read model (DATA_DIR/audit.sqlite, or the MongoDB read-model database),
 * brought up to the end of the event feed before each read, the recorder the problem filter
 * uses for refused attempts, and GET /v1/workspaces/{ws}/audit.
 */
@Module({
  controllers: [AuditTrailController],
  providers: [
    {
      provide: AUDIT_STORE,
      inject: [APP_CONFIG, MONGO_CONNECTION],
      useFactory: (config: AppConfig, mongo: Connection | null): Promise<AuditStore> =>
        openAuditStore({ dataDir: config.dataDir, mongoConnection: mongo }),
    },
    {
      provide: AuditProjection,
      inject: [EVENT_STORE, AUDIT_STORE],
      useFactory: (events: EventStore, store: AuditStore) => new AuditProjection(events, store),
    },
    AuditRecorder,
    AuditTrailQueries,
  ],
  exports: [AUDIT_STORE, AuditProjection, AuditRecorder, AuditTrailQueries],
})
export class AuditTrailModule implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
