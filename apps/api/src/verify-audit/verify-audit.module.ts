import { Module } from '@nestjs/common';
import { AuditVerificationModule } from '@ledger/runtime';
import { VerifyAuditController } from './verify-audit.controller';

/** The verify and checkpoint-export routes, over the tamper evidence the runtime wires. */
@Module({ imports: [AuditVerificationModule], controllers: [VerifyAuditController] })
export class VerifyAuditModule {}
