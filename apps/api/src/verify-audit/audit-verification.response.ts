import { ApiProperty } from '@nestjs/swagger';
import type {
  AuditVerification,
  BadCheckpoint,
  BadEvent,
  ChainProblem,
  CheckpointChainProblem,
  MissingCheckpoint,
  VerificationFailure,
} from '@ledger/audit';

const CHAIN_PROBLEMS: ChainProblem[] = [
  'unchained',
  'revision-gap',
  'revision-out-of-order',
  'hash-mismatch',
  'prev-hash-mismatch',
  'checkpoint-mismatch',
  'checkpoint-missing-event',
];

const CHECKPOINT_CHAIN_PROBLEMS: CheckpointChainProblem[] = [
  'signature-invalid',
  'sequence-gap',
  'sequence-out-of-order',
  'link-broken',
  'revision-not-after-previous',
];

const FAILURES: VerificationFailure[] = [
  'bad-event',
  'missing-checkpoint',
  'broken-checkpoint-chain',
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

export class MissingCheckpointBody implements MissingCheckpoint {
  @ApiProperty()
  streamId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The first event no checkpoint covers' })
  revision!: number;

  @ApiProperty()
  eventId!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'recordedAt + AUDIT_CHECKPOINT_EVERY_MS + AUDIT_CHECKPOINT_GRACE_MS',
  })
  dueBy!: string;
}

export class BadCheckpointBody implements BadCheckpoint {
  @ApiProperty()
  streamId!: string;

  @ApiProperty({ type: 'integer', minimum: 1, nullable: true, description: 'null: legacy row' })
  sequence!: number | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  revision!: number;

  @ApiProperty({ enum: CHECKPOINT_CHAIN_PROBLEMS })
  problem!: CheckpointChainProblem;
}

export class CheckpointsCheckedBody {
  @ApiProperty({ type: 'integer', minimum: 0 })
  checked!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Of those, signed before checkpoints were chained (no sequence)',
  })
  legacy!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  latestSignedAt!: string | null;
}

export class AuditVerificationBody implements AuditVerification {
  @ApiProperty({ description: 'false: the history or its checkpoints were altered; see failures' })
  ok!: boolean;

  @ApiProperty({ enum: FAILURES, isArray: true, description: 'Empty when ok' })
  failures!: VerificationFailure[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  checkedEvents!: number;

  @ApiProperty({ type: () => BadEventBody, nullable: true })
  firstBadEvent!: BadEventBody | null;

  @ApiProperty({ type: () => MissingCheckpointBody, nullable: true })
  missingCheckpoint!: MissingCheckpointBody | null;

  @ApiProperty({ type: () => BadCheckpointBody, nullable: true })
  badCheckpoint!: BadCheckpointBody | null;

  @ApiProperty({ type: () => CheckpointsCheckedBody })
  checkpoints!: CheckpointsCheckedBody;
}
