import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PLATFORMS, type Platform } from '@ledger/domain';

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 1000;

export class AuditTrailQuery {
  @ApiPropertyOptional({ description: 'User id of the actor', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  connectionId?: string;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({
    description: 'Event type (e.g. ConnectionConnected) or refusal code (e.g. PLAN_LIMIT_REACHED)',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00Z',
    description: 'From (inclusive)',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-02-01T00:00:00Z',
    description: 'To (exclusive)',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 instant' })
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: AUDIT_PAGE_MAX,
    default: AUDIT_PAGE_DEFAULT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;
}
