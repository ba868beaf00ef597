import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import {
  webhookDeliveryStoreContract,
  webhookSubscriptionStoreContract,
  type WebhookStoresBackend,
} from '../contract/webhook-stores.contract';
import { SqliteWebhookDeliveryStore } from './sqlite-webhook-delivery-store';
import { SqliteWebhookSubscriptionStore } from './sqlite-webhook-subscription-store';

async function backend(): Promise<WebhookStoresBackend> {
  const dir = makeTempDir('ledger-webhooks-');
  // Both stores in one file, as inDataDir() places them.
  const file = join(dir.path, 'webhooks.sqlite');
  return {
    openSubscriptions: async () => SqliteWebhookSubscriptionStore.open({ sqlitePath: file }),
    openDeliveries: async () => SqliteWebhookDeliveryStore.open({ sqlitePath: file }),
    dispose: async () => dir.remove(),
  };
}

webhookSubscriptionStoreContract('SQLite file on disk', backend);
webhookDeliveryStoreContract('SQLite file on disk', backend);
