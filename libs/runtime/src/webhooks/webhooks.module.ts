import { Global, Module } from '@nestjs/common';
import { WebhookSubscriptions } from '@ledger/webhooks';
import { webhookProviders, WEBHOOK_DELIVERIES } from './webhook.providers';

/** Webhook subscriptions and the delivery outbox, shared by the API routes and the jobs. */
@Global()
@Module({ providers: webhookProviders, exports: [WebhookSubscriptions, WEBHOOK_DELIVERIES] })
export class WebhooksModule {}
