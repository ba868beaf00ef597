import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { DURATION_PATTERN } from '@ledger/runtime';

const STATUSES = ['active', 'error', 'expired'] as const;

export class ListConnectionsQuery {
  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({
    example: '7d',
    description: 'Tokens that expire within this window: <n>m, <n>h, <n>d or <n>w',
    pattern: DURATION_PATTERN.source,
  })
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: 'expiringWithin must look like 30m, 24h, 7d or 2w' })
  expiringWithin?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'The list as it stood at this instant, computed from the events',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO 8601 instant' })
  asOf?: string;
}
