import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@ledger/webhooks';

export class ConfigureWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/connection-ledger' })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Default: all' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];
}
