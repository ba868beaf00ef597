import { ApiProperty } from '@nestjs/swagger';
import type { Actor } from '@ledger/event-store';
import type { HistoryEntry } from '@ledger/runtime';

/** Who did it: recorded with every event (and every refused attempt). */
export class ActorBody implements Actor {
  @ApiProperty({ description: 'User id, or `system` for the scheduled jobs' })
  userId!: string;

  @ApiProperty({ example: 'owner' })
  role!: string;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the service acted (e.g. `token refresh`); null for users',
  })
  reason!: string | null;
}

export class HistoryEntryBody implements HistoryEntry {
  @ApiProperty()
  eventId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Revision in the workspace stream' })
  revision!: number;

  @ApiProperty({ example: 'ConnectionConnected' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: () => ActorBody })
  actor!: ActorBody;

  @ApiProperty()
  correlationId!: string;

  @ApiProperty({ type: String, nullable: true })
  causationId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s data' })
  data!: Record<string, unknown>;
}
