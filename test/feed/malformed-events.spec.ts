import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { workspaceStream, type ParkedEvent } from '@ledger/domain';
import { SqliteEventStore, type EventToAppend, type RecordedEvent } from '@ledger/event-store';
import { ProjectionRunner, SqliteWorkspaceReadModel } from '@ledger/read-models';
import { AuditProjection, SqliteAuditStore } from '@ledger/read-models/audit';
import { DuePostsProjection, SqliteDuePostsStore } from '@ledger/read-models/due-posts';
import { ChainCheckpoints, CheckpointSigner, SqliteCheckpointStore } from '@ledger/audit';
import { FakeClock, openStores, testKeyRing } from '@ledger/webhooks/testing/harness';
import { WebhookEnqueuer, WebhookSubscriptions, webhookPayloadId } from '@ledger/webhooks';
import { makeTempDir } from '@ledger/testing/temp-dir';

/**
 * Every consumer of the global feed, on the real SQLite event store: a malformed event is
 * parked (reported with its stream, position, type and reason) and the consumer goes on with
 * the good events after it, instead of throwing on it for ever and stalling every tenant.
 */
const WS = 'ws-feed';
const STREAM = workspaceStream(WS);
const AT = '2030-01-01T09:00:00.000Z';
const LATER = '2030-01-01T10:00:00.000Z';

const event = (type: string, data: unknown): EventToAppend => ({
  id: randomUUID(),
  type,
  data: data as Record<string, unknown>,
  metadata: {
    actor: { userId: 'u-1', role: 'owner', ip: null, userAgent: null },
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
  },
});

const MALFORMED: [string, EventToAppend][] = [
  [
    'a ConnectionDisconnected without connectionId',
    event('ConnectionDisconnected', {
      workspaceId: WS,
      platform: 'x',
      accountId: 'acct-0',
      reason: 'user',
      wasMain: false,
      at: AT,
    }),
  ],
  [
    'an unknown type',
    event('ConnectionTeleported', { workspaceId: WS, connectionId: 'c', at: AT }),
  ],
  ['data that is not an object', event('ConnectionExpired', 'constructor')],
  ['data that is null', event('PostScheduled', null)],
  [
    'a PostScheduled whose publishAt is no instant',
    event('PostScheduled', {
      workspaceId: WS,
      postId: 'p-bad',
      connectionId: 'c-good',
      platform: 'x',
      content: 'hi',
      publishAt: 'soon',
      campaignId: null,
      at: AT,
    }),
  ],
];

/** What follows the malformed event: each consumer must process these. */
const goodEvents = (): EventToAppend[] => [
  event('ConnectionConnected', {
    workspaceId: WS,
    connectionId: 'c-good',
    platform: 'x',
    accountId: 'acct-good',
    accountName: 'Good',
    accountType: 'standard',
    scopes: [],
    tokenExpiresAt: null,
    copiedFrom: null,
    at: LATER,
  }),
  event('PostScheduled', {
    workspaceId: WS,
    postId: 'p-good',
    connectionId: 'c-good',
    platform: 'x',
    content: 'hello',
    publishAt: LATER,
    campaignId: null,
    at: LATER,
  }),
  event('ConnectionDisconnected', {
    workspaceId: WS,
    connectionId: 'c-good',
    platform: 'x',
    accountId: 'acct-good',
    reason: 'user',
    wasMain: false,
    causedByConnectionId: null,
    at: LATER,
  }),
];

interface Feed {
  store: SqliteEventStore;
  dir: string;
  malformed: RecordedEvent;
  good: RecordedEvent[];
}

/** A consumer run over the feed twice (a restart), answering what it made of the good events. */
interface Consumer {
  name: string;
  consume(feed: Feed, park: (parked: ParkedEvent) => void): Promise<void>;
  /** Resolves when the consumer shows the good events. */
  expectGoodEventsProcessed(feed: Feed): Promise<void>;
  close(): Promise<void>;
}

const consumers: Record<string, () => Consumer> = {
  'connections projection': () => {
    let model: SqliteWorkspaceReadModel;
    return {
      name: 'connections',
      async consume(feed, park) {
        model ??= SqliteWorkspaceReadModel.open({
          sqlitePath: join(feed.dir, 'connections.sqlite'),
        });
        const runner = new ProjectionRunner(feed.store, model, {
          projection: 'connections',
          onParked: park,
        });
        runner.start();
        try {
          await runner.waitUntilCaughtUp(feed.good[2].position, { timeoutMs: 5000 });
        } finally {
          await runner.stop();
        }
      },
      async expectGoodEventsProcessed(feed) {
        expect(await model.getCheckpoint('connections')).toBe(feed.good[2].position);
        // Connected, then disconnected: the removal was applied after the malformed event.
        expect(await model.getConnection(WS, 'c-good')).toBeNull();
        expect(await model.listConnections(WS)).toEqual([]);
      },
      close: async () => model?.close(),
    };
  },
  'audit trail projection': () => {
    let audit: SqliteAuditStore;
    return {
      name: 'audit',
      async consume(feed, park) {
        audit ??= SqliteAuditStore.open({ sqlitePath: join(feed.dir, 'audit.sqlite') });
        await new AuditProjection(feed.store, audit, { onParked: park }).catchUp();
      },
      async expectGoodEventsProcessed(feed) {
        const entries = await audit.list(WS, {}, { limit: 100 });
        expect(entries.map((e) => e.id).sort()).toEqual(feed.good.map((e) => e.id).sort());
        expect(await audit.getCheckpoint('audit')).toBe(feed.good[2].position);
      },
      close: async () => audit?.close(),
    };
  },
  'due posts projection': () => {
    let posts: SqliteDuePostsStore;
    return {
      name: 'due-posts',
      async consume(feed, park) {
        posts ??= SqliteDuePostsStore.open({ sqlitePath: join(feed.dir, 'due-posts.sqlite') });
        await new DuePostsProjection(feed.store, posts, { onParked: park }).catchUp();
      },
      async expectGoodEventsProcessed() {
        const due = await posts.listDue('2031-01-01T00:00:00.000Z', 10);
        expect(due.map((p) => p.postId)).toEqual(['p-good']);
      },
      close: async () => posts?.close(),
    };
  },
  'webhook enqueuer': () => {
    let stores: Awaited<ReturnType<typeof openStores>>;
    let subscriptions: WebhookSubscriptions;
    const clock = new FakeClock(new Date(AT));
    return {
      name: 'webhooks',
      async consume(feed, park) {
        if (!stores) {
          stores = await openStores('sqlite');
          subscriptions = new WebhookSubscriptions(stores.subscriptionStore, testKeyRing(), {
            clock,
          });
          await subscriptions.set(WS, {
            url: 'https://a.example.com/h',
            events: ['connection.disconnected', 'connection.expired'],
          });
        }
        const enqueuer = new WebhookEnqueuer(feed.store, stores.deliveries, subscriptions, {
          clock,
          onParked: park,
        });
        await enqueuer.catchUp();
      },
      async expectGoodEventsProcessed(feed) {
        const id = webhookPayloadId(feed.good[2].id, 'connection.disconnected');
        expect(await stores.deliveries.get(id)).toMatchObject({ workspaceId: WS });
        expect(await stores.deliveries.getCheckpoint('webhooks')).toBe(feed.good[2].position);
      },
      close: async () => stores?.dispose(),
    };
  },
};

describe.each(Object.keys(consumers))('the %s, given a malformed event', (consumerName) => {
  describe.each(MALFORMED)('(%s)', (_description, malformedEvent) => {
    let tmp: ReturnType<typeof makeTempDir>;
    let feed: Feed;
    let consumer: Consumer;

    beforeEach(async () => {
      tmp = makeTempDir('ledger-feed-');
      const store = new SqliteEventStore({ path: join(tmp.path, 'events.db') });
      await store.append(STREAM, [malformedEvent], 'no_stream');
      await store.append(STREAM, goodEvents(), 0);
      const recorded: RecordedEvent[] = [];
      for await (const e of store.readStream(STREAM)) recorded.push(e);
      feed = { store, dir: tmp.path, malformed: recorded[0], good: recorded.slice(1) };
      consumer = consumers[consumerName]();
    });
    afterEach(async () => {
      await consumer.close();
      await feed.store.close();
      tmp.remove();
    });

    it('parks it with a reason and processes the good events after it, also after a restart', async () => {
      const parked: ParkedEvent[] = [];
      await consumer.consume(feed, (p) => parked.push(p));
      await consumer.expectGoodEventsProcessed(feed);
      await consumer.consume(feed, (p) => parked.push(p)); // a restart: nothing left to redo
      await consumer.expectGoodEventsProcessed(feed);

      expect(parked).toEqual([
        {
          consumer: consumer.name,
          streamId: STREAM,
          revision: 0,
          position: feed.malformed.position,
          eventId: feed.malformed.id,
          type: feed.malformed.type,
          reason: expect.any(String),
        },
      ]);
    });
  });
});

describe('the chain checkpoints, given a malformed event', () => {
  it('sign it like any other: the chain covers every stored event, well-formed or not', async () => {
    const tmp = makeTempDir('ledger-feed-');
    const store = new SqliteEventStore({ path: join(tmp.path, 'events.db') });
    const checkpointStore = SqliteCheckpointStore.open({
      sqlitePath: join(tmp.path, 'checkpoints.sqlite'),
    });
    try {
      await store.append(STREAM, [MALFORMED[0][1], MALFORMED[2][1]], 'no_stream');
      const checkpoints = new ChainCheckpoints(store, checkpointStore, CheckpointSigner.generate());
      expect((await checkpoints.signHeads()).map((c) => [c.streamId, c.revision])).toEqual([
        [STREAM, 1],
      ]);
      await store.append(STREAM, goodEvents(), 1);
      expect((await checkpoints.signHeads()).map((c) => [c.streamId, c.revision])).toEqual([
        [STREAM, 4],
      ]);
    } finally {
      await checkpointStore.close();
      await store.close();
      tmp.remove();
    }
  });
});
