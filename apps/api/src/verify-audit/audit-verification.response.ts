import { ApiProperty } from '@nestjs/swagger';
import type { AuditVerification, BadEvent, ChainProblem } from '@ledger/audit';

const CHAIN_PROBLEMS: ChainProblem[] = [
  'unchained',
  'revision-gap',
  'revision-out-of-order',
  'hash-mismatch',
  'prev-hash-mismatch',
  'checkpoint-mismatch',
  'checkpoint-missing-event',
  'checkpoint-signature-invalid',
];

export class BadEventBody implements BadEvent {
  @ApiProperty()
  streamId!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  revision!: number;

  @ApiProperty({ type: String, nullable: true, description: 'null: the event was deleted' })
  eventId!: string | null;

  @ApiProperty({ enum: CHAIN_PROBLEMS })
  problem!: ChainProblem;
}

export class CheckpointsCheckedBody {
  @ApiProperty({ type: 'integer', minimum: 0 })
  checked!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  latestSignedAt!: string | null;
}

export class AuditVerificationBody implements AuditVerification {
  @ApiProperty({ description: 'false: the history was altered; see firstBadEvent' })
  ok!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  checkedEvents!: number;

  @ApiProperty({ type: () => BadEventBody, nullable: true })
  firstBadEvent!: BadEventBody | null;

  @ApiProperty({ type: () => CheckpointsCheckedBody })
  checkpoints!: CheckpointsCheckedBody;
}
