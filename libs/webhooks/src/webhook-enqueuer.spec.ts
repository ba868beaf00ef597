import {
  EventFeed,
  expired,
  FakeClock,
  openStores,
  testKeyRing,
  type WebhookStores,
} from './testing/harness';
import { WebhookEnqueuer } from './webhook-enqueuer';
import { webhookPayloadId } from './webhook-events';
import { WebhookSubscriptions } from './webhook-subscriptions';

const T0 = new Date('2030-01-01T09:00:00.000Z');
const MINUTE = 60_000;

describe('WebhookEnqueuer (the event store feed to the outbox)', () => {
  let stores: WebhookStores;
  let feed: EventFeed;
  let clock: FakeClock;
  let subscriptions: WebhookSubscriptions;

  beforeEach(async () => {
    stores = await openStores('sqlite');
    feed = EventFeed.open();
    clock = new FakeClock(T0);
    subscriptions = new WebhookSubscriptions(stores.subscriptionStore, testKeyRing(), { clock });
  });
  afterEach(async () => {
    await feed.close();
    await stores.dispose();
  });

  it('enqueues subscribed events of subscribed workspaces, from its checkpoint, once', async () => {
    // Before the subscription: not sent.
    await feed.append('ws-1', [expired('ws-1', 'c-old', new Date(T0.getTime() - MINUTE))]);
    await subscriptions.set('ws-1', {
      url: 'https://a.example.com/h',
      events: ['connection.expired'],
    });
    const at = new Date(T0.getTime() + MINUTE);
    clock.set(at);
    const [e1] = await feed.append('ws-1', [expired('ws-1', 'c-1', at)]);
    await feed.append('ws-1', [
      {
        type: 'ConnectionRestored',
        data: {
          workspaceId: 'ws-1',
          connectionId: 'c-1',
          platform: 'x',
          reason: 'ok',
          at: at.toISOString(),
        },
      },
    ]);
    await feed.append('ws-2', [expired('ws-2', 'c-2', at)]); // no subscription
    const enqueuer = new WebhookEnqueuer(feed.store, stores.deliveries, subscriptions, {
      clock,
      batchSize: 2,
    });

    const report = await enqueuer.catchUp();
    expect(report).toMatchObject({ events: 4, enqueued: 1 });
    const id = webhookPayloadId(e1, 'connection.expired');
    expect((await stores.deliveries.list('ws-1')).map((d) => d.id)).toEqual([id]);
    expect(await stores.deliveries.get(id)).toMatchObject({
      eventId: e1,
      type: 'connection.expired',
      status: 'pending',
      nextAttemptAt: at,
    });
    expect(await stores.deliveries.getCheckpoint('webhooks')).toBe(report.position);
    expect(await enqueuer.catchUp()).toMatchObject({ events: 0, enqueued: 0 });

    // New events are picked up from the checkpoint.
    const [e2] = await feed.append('ws-1', [expired('ws-1', 'c-3', at)]);
    expect(await enqueuer.catchUp()).toMatchObject({ events: 1, enqueued: 1 });
    expect(await stores.deliveries.get(webhookPayloadId(e2, 'connection.expired'))).not.toBeNull();

    // Replaying the whole feed (a lost checkpoint, a second instance) enqueues nothing twice.
    const replay = new WebhookEnqueuer(feed.store, stores.deliveries, subscriptions, {
      clock,
      checkpoint: 'from-scratch',
    });
    expect(await replay.catchUp()).toMatchObject({ events: 5, enqueued: 0 });
    expect(await stores.deliveries.list('ws-1')).toHaveLength(2);
  });
});
