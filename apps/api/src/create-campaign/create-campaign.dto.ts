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

export class CampaignTargetDto {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiPropertyOptional({
    description: 'Absent or null: the platform’s main account when a post is scheduled',
    nullable: true,
    minLength: 1,
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
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
