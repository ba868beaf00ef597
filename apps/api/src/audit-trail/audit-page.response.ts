import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@ledger/domain';
import type { AuditEntry } from '@ledger/read-models/audit';
import { ActorBody } from '../connection-history/history.response';
import type { AuditPage } from './audit-trail.query';

export class AuditEntryBody implements AuditEntry {
  @ApiProperty({ description: 'The event id, or a random id for a refused attempt' })
  id!: string;

  @ApiProperty()
  workspaceId!: string;

  @ApiProperty({ enum: ['event', 'refused'] })
  kind!: 'event' | 'refused';

  @ApiProperty({ description: 'Event type (ConnectionConnected...) or refusal code' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: () => ActorBody })
  actor!: ActorBody;

  @ApiProperty({ type: String, nullable: true })
  correlationId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  connectionId!: string | null;

  @ApiProperty({ type: [String] })
  connectionIds!: string[];

  @ApiProperty({ enum: PLATFORMS, nullable: true })
  platform!: Platform | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;
}

export class AuditPageBody implements AuditPage {
  @ApiProperty({ type: [AuditEntryBody] })
  items!: AuditEntryBody[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
