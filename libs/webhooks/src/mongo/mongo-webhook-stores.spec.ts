import mongoose, { type Connection } from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import {
  webhookDeliveryStoreContract,
  webhookSubscriptionStoreContract,
  type WebhookStoresBackend,
} from '../contract/webhook-stores.contract';
import { MongoWebhookDeliveryStore } from './mongo-webhook-delivery-store';
import { MongoWebhookSubscriptionStore } from './mongo-webhook-subscription-store';

async function backend(): Promise<WebhookStoresBackend> {
  const dbName = uniqueDatabaseName('webhooks');
  return {
    // Each open() has its own connection (socket pool, model registry), as another process has.
    openSubscriptions: () => MongoWebhookSubscriptionStore.connect(testMongoUri(), { dbName }),
    openDeliveries: () => MongoWebhookDeliveryStore.connect(testMongoUri(), { dbName }),
    dispose: async () => {
      const connection: Connection = await mongoose
        .createConnection(testMongoUri(), { dbName })
        .asPromise();
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

webhookSubscriptionStoreContract('mongoose over FerretDB', backend);
webhookDeliveryStoreContract('mongoose over FerretDB', backend);

describe('MongoWebhookDeliveryStore: the attempts decide, the delivery document is a cache', () => {
  const T0 = new Date('2030-01-01T09:00:00.000Z');
  let store: MongoWebhookDeliveryStore;
  let connection: Connection;
  const dbName = uniqueDatabaseName('webhooks');

  beforeAll(async () => {
    connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    store = await MongoWebhookDeliveryStore.open({ mongo: connection });
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('repairs a delivery whose cache write was lost in a crash, and does not send it again', async () => {
    const id = 'whevt_crash';
    await store.enqueue({
      id,
      workspaceId: 'ws-1',
      type: 'connection.expired',
      eventId: 'e-1',
      body: '{}',
      createdAt: T0,
      nextAttemptAt: T0,
    });
    const [claim] = await store.claimDue({ now: T0, limit: 1, leaseMs: 60_000, claimant: 'a' });
    await store.complete(
      claim,
      { finishedAt: T0, status: 200, error: null, durationMs: 5 },
      { status: 'delivered' },
    );
    // As if the process died between writing the attempt and writing the delivery.
    await connection
      .collection('webhook_deliveries')
      .updateOne(
        { _id: id as never },
        { $set: { status: 'pending', nextAttemptAt: T0, deliveredAt: null, attemptCount: 1 } },
      );
    expect(await store.claimDue({ now: T0, limit: 5, leaseMs: 60_000, claimant: 'b' })).toEqual([]);
    expect(await store.get(id)).toMatchObject({ status: 'delivered', deliveredAt: T0 });
  });
});
