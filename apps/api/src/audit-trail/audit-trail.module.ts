import { Module } from '@nestjs/common';
import { AuditTrailStoreModule } from '@ledger/runtime';
import { AuditRecorder } from './audit-recorder';
import { AuditTrailController } from './audit-trail.controller';
import { AuditTrailQueries } from './audit-trail.query';

/**
 * The audit trail: the recorder the problem filter uses for refused attempts and
 * GET /v1/workspaces/{ws}/audit, over the read model the runtime opens.
 */
@Module({
  imports: [AuditTrailStoreModule],
  controllers: [AuditTrailController],
  providers: [AuditRecorder, AuditTrailQueries],
  exports: [AuditTrailStoreModule, AuditRecorder, AuditTrailQueries],
})
export class AuditTrailModule {}
