import { ApiProperty } from '@nestjs/swagger';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  type WebhookSubscription,
} from '@ledger/webhooks';

export class WebhookBody implements WebhookSubscription {
  @ApiProperty()
  workspaceId!: string;

  @ApiProperty()
  subscriptionId!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events!: WebhookEventType[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

export class WebhookWithSecretBody extends WebhookBody {
  @ApiProperty({
    description: 'Signs every delivery (Webhook-Signature); shown this once',
    example: 'whsec_…',
  })
  secret!: string;
}
