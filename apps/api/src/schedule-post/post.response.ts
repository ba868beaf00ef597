import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@ledger/domain';
import type { PostView } from './post-views';

export class PostBody implements PostView {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  workspaceId!: string;

  @ApiProperty({ enum: PLATFORMS })
  platform!: Platform;

  @ApiProperty({ description: 'The account it goes to' })
  connectionId!: string;

  @ApiProperty()
  content!: string;

  @ApiProperty({ format: 'date-time' })
  publishAt!: string;

  @ApiProperty({ type: String, nullable: true })
  campaignId!: string | null;

  @ApiProperty({ enum: ['scheduled', 'published', 'failed'] })
  status!: PostView['status'];

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed' })
  statusReason!: string | null;

  @ApiProperty({ type: String, nullable: true })
  platformPostId!: string | null;

  @ApiProperty({ format: 'date-time' })
  scheduledAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
