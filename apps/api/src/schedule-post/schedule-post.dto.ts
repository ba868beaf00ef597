import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { IsLedgerUuid, UUID_SCHEMA } from '../http/ids';
import { PageQuery } from '../http/pages';

export class SchedulePostDto {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiPropertyOptional({
    description: 'Absent or null: the campaign’s account for the platform, else the main account',
    nullable: true,
    ...UUID_SCHEMA,
  })
  @IsOptional()
  @IsString()
  @IsLedgerUuid()
  connectionId?: string;

  @ApiProperty({ minLength: 1, maxLength: 63206 })
  @IsString()
  @Length(1, 63206)
  content!: string;

  @ApiProperty({ example: '2026-12-01T09:00:00Z', format: 'date-time' })
  @IsISO8601({ strict: true })
  publishAt!: string;

  @ApiPropertyOptional({ nullable: true, ...UUID_SCHEMA })
  @IsOptional()
  @IsString()
  @IsLedgerUuid()
  campaignId?: string;
}

const POST_STATUSES = ['scheduled', 'published', 'failed'] as const;

export class ListPostsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: POST_STATUSES })
  @IsOptional()
  @IsIn(POST_STATUSES)
  status?: (typeof POST_STATUSES)[number];
}
