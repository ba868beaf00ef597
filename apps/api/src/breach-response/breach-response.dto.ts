import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';

export class BreachResponseDto {
  @ApiProperty({ description: 'Why: recorded with every disconnect', minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({
    description:
      'Start of the report window (ISO 8601); default (absent or null) 30 days before `to`',
    format: 'date-time',
    nullable: true,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'End of the report window (ISO 8601); default (absent or null) now',
    format: 'date-time',
    nullable: true,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
