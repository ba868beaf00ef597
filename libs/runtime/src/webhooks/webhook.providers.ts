import type { Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { Clock } from '@ledger/commands';
import type { KeyRing } from '@ledger/token-vault';
import {
  MongoWebhookDeliveryStore,
  MongoWebhookSubscriptionStore,
  SqliteWebhookDeliveryStore,
  SqliteWebhookSubscriptionStore,
  WebhookSubscriptions,
  type WebhookDeliveryStore,
} from '@ledger/webhooks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK, KEY_RING, MONGO_CONNECTION } from '../storage/injection-tokens';

export const WEBHOOK_DELIVERIES = Symbol('WebhookDeliveryStore');

/** Webhook subscriptions and the delivery outbox, in SQLite under DATA_DIR or in MongoDB. */
export const webhookProviders: Provider[] = [
  {
    provide: WebhookSubscriptions,
    inject: [APP_CONFIG, MONGO_CONNECTION, KEY_RING, CLOCK],
    useFactory: async (
      config: AppConfig,
      mongo: Connection | null,
      keyRing: KeyRing,
      clock: Clock,
    ) => {
      const store = mongo
        ? await MongoWebhookSubscriptionStore.open({ mongo: mongo })
        : SqliteWebhookSubscriptionStore.inDataDir(config.dataDir);
      // Plain http only for local runs (a receiver on localhost); production needs https.
      // Private targets only when WEBHOOK_ALLOW_PRIVATE_TARGETS says so (never in production).
      return new WebhookSubscriptions(store, keyRing, {
        clock,
        requireHttps: config.isProduction,
        allowPrivateTargets: config.webhookAllowPrivateTargets,
      });
    },
  },
  {
    provide: WEBHOOK_DELIVERIES,
    inject: [APP_CONFIG, MONGO_CONNECTION],
    useFactory: async (
      config: AppConfig,
      mongo: Connection | null,
    ): Promise<WebhookDeliveryStore> =>
      mongo
        ? MongoWebhookDeliveryStore.open({ mongo: mongo })
        : SqliteWebhookDeliveryStore.inDataDir(config.dataDir),
  },
];
