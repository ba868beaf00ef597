import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsString, Length, ValidateIf } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@ledger/webhooks';

export class ConfigureWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/connection-ledger',
    description:
      'An absolute http(s) URL, without credentials, to a public host: loopback, private, link-local (169.254.169.254), unique-local and reserved addresses, IPv4-mapped forms and local names (localhost, *.local, *.internal, single labels) are refused, also when the name resolves to one at delivery time',
    minLength: 1,
    maxLength: 2000,
  })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    uniqueItems: true,
    description: 'Default (absent): all',
  })
  // Absent means all; null is not a list of events (it used to reach the store and fail there).
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];
}
