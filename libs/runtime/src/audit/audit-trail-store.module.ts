import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@ledger/event-store';
import { AuditProjection, openAuditStore, type AuditStore } from '@ledger/read-models/audit';
import type { Connection } from 'mongoose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE, MONGO_CONNECTION } from '../storage/injection-tokens';

export const AUDIT_STORE = Symbol('AuditStore');

/**
 * The audit trail's read model (DATA_DIR/audit.sqlite, or the MongoDB read-model database) and
 * the projection that brings it up to the end of the event feed, for the API and the CLI.
 */
@Module({
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
  ],
  exports: [AUDIT_STORE, AuditProjection],
})
export class AuditTrailStoreModule implements OnApplicationShutdown {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
