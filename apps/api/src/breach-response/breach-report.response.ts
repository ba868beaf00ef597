import { ApiProperty } from '@nestjs/swagger';
import type { RevocationStatus } from '@ledger/platforms';
import { ActorBody } from '../connection-history/history.response';
import { REVOCATION_STATUSES } from '../disconnect-account/disconnect-report.response';
import type {
  BreachAction,
  BreachConnectionActivity,
  BreachConnectionCut,
  BreachPublishedPost,
  BreachReport,
  BreachRevocation,
} from './breach-report';

export class BreachConnectionCutBody implements BreachConnectionCut {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  platform!: string;

  @ApiProperty()
  accountId!: string;

  @ApiProperty()
  accountName!: string;

  @ApiProperty()
  wasMain!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Left with this connection' })
  causedByConnectionId!: string | null;
}

export class BreachRevocationBody implements BreachRevocation {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty()
  platform!: string;

  @ApiProperty({ enum: REVOCATION_STATUSES })
  status!: RevocationStatus;

  @ApiProperty({ type: String, nullable: true })
  detail!: string | null;
}

export class BreachActionBody implements BreachAction {
  @ApiProperty()
  eventId!: string;

  @ApiProperty()
  type!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: () => ActorBody })
  actor!: ActorBody;

  @ApiProperty()
  correlationId!: string;
}

export class BreachPublishedPostBody implements BreachPublishedPost {
  @ApiProperty()
  postId!: string;

  @ApiProperty()
  platformPostId!: string;

  @ApiProperty({ type: String, nullable: true })
  content!: string | null;

  @ApiProperty({ format: 'date-time' })
  publishedAt!: string;
}

export class BreachConnectionActivityBody implements BreachConnectionActivity {
  @ApiProperty()
  connectionId!: string;

  @ApiProperty({ type: String, nullable: true })
  platform!: string | null;

  @ApiProperty({ type: String, nullable: true })
  accountName!: string | null;

  @ApiProperty({ type: [BreachActionBody] })
  actions!: BreachActionBody[];

  @ApiProperty({ type: [BreachPublishedPostBody] })
  postsPublished!: BreachPublishedPostBody[];
}

export class ReportWindowBody {
  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;
}

export class BreachReportBody implements BreachReport {
  @ApiProperty()
  workspaceId!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ description: 'false on a repeat run: there was nothing left to cut' })
  anythingCut!: boolean;

  @ApiProperty()
  summary!: string;

  @ApiProperty({ type: [BreachConnectionCutBody] })
  connectionsCut!: BreachConnectionCutBody[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description:
      'Token vault records shredded: one per connection that still held tokens, those of the cancelled selections, and any stray of the workspace. Each record holds an access token and maybe a refresh token',
  })
  tokenRecordsDestroyed!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    deprecated: true,
    description:
      'The same count as tokenRecordsDestroyed, kept under its first name for existing clients: it counts vault records, not tokens',
  })
  tokensDestroyed!: number;

  @ApiProperty({ type: [BreachRevocationBody] })
  revocations!: BreachRevocationBody[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  scheduledPostsFailed!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  campaignsFlagged!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'OAuth flows started in the workspace, cancelled: their callbacks find nothing',
  })
  pendingAuthorizationsCancelled!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Account selections awaiting a choice, dropped with their sealed tokens',
  })
  selectionsCancelled!: number;

  @ApiProperty({
    description:
      'The webhook was removed, so a leaked signing secret signs nothing more; set it again for a new secret',
  })
  webhookRemoved!: boolean;

  @ApiProperty({ type: () => ReportWindowBody })
  window!: ReportWindowBody;

  @ApiProperty({
    type: [BreachConnectionActivityBody],
    description:
      'Every action on each connection, and every post published through it, in the window',
  })
  connections!: BreachConnectionActivityBody[];
}
