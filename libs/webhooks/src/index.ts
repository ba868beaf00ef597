export * from './webhook-events';
export * from './signing';
export * from './backoff';
export * from './subscription-store.port';
export * from './delivery-store.port';
export { WebhookSecretError } from './secret-box';
export * from './webhook-subscriptions';
export * from './webhook-dispatcher';
export * from './webhook-enqueuer';
export { webhooksDbPath } from './sqlite/open-webhooks-db';
export { SqliteWebhookSubscriptionStore } from './sqlite/sqlite-webhook-subscription-store';
export { SqliteWebhookDeliveryStore } from './sqlite/sqlite-webhook-delivery-store';
export { MongoWebhookSubscriptionStore } from './mongo/mongo-webhook-subscription-store';
export { MongoWebhookDeliveryStore } from './mongo/mongo-webhook-delivery-store';
export {
  checkWebhookUrl,
  systemResolver,
  WebhookTargetRefused,
  type ResolveHost,
  type ResolvedAddress,
} from './target/webhook-target';
export { nonPublicKind } from './target/non-public-addresses';
