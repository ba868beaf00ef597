import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { IsLedgerUuid, UUID_SCHEMA } from '../http/ids';

export class CampaignTargetDto {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiPropertyOptional({
    description: 'Absent or null: the platform’s main account when a post is scheduled',
    nullable: true,
    ...UUID_SCHEMA,
  })
  @IsOptional()
  @IsString()
  @IsLedgerUuid()
  connectionId?: string;
}

export class CreateCampaignDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: [CampaignTargetDto], minItems: 1, maxItems: 6 })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => CampaignTargetDto)
  targets!: CampaignTargetDto[];
}
