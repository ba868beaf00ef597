import { inspect } from 'node:util';
import { DEFAULT_RETRY_SCHEDULE_MS } from './backoff';
import { ABANDONED_ATTEMPT_ERROR, type WebhookDelivery } from './delivery-store.port';
import { checkWebhookSignature, verifyWebhookSignature } from './signing';
import {
  EventFeed,
  expired,
  FakeClock,
  openStores,
  testKeyRing,
  type StoreKind,
  type WebhookStores,
} from './testing/harness';
import { WebhookReceiver } from './testing/webhook-receiver';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher';
import type { WebhookEnqueuer } from './webhook-enqueuer';
import { webhookPayloadId, type WebhookPayload } from './webhook-events';
import { WebhookSubscriptions } from './webhook-subscriptions';

const T0 = new Date('2030-01-01T09:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface World {
  clock: FakeClock;
  stores: WebhookStores;
  subscriptions: WebhookSubscriptions;
  receiver: WebhookReceiver;
  feed: EventFeed;
  enqueuer: WebhookEnqueuer;
  secret: string;
  dispatcher(options?: WebhookDispatcherOptions): WebhookDispatcher;
  /** Appends a ConnectionExpired for `ws-1` and enqueues it; returns the payload id. */
  expire(connectionId?: string): Promise<string>;
  delivery(id: string): Promise<WebhookDelivery>;
  close(): Promise<void>;
}

async function world(kind: StoreKind = 'sqlite'): Promise<World> {
  const clock = new FakeClock(T0);
  const stores = await openStores(kind);
  const subscriptions = new WebhookSubscriptions(stores.subscriptionStore, testKeyRing(), {
    clock,
    requireHttps: false,
  });
  let secret = '';
  const receiver = await WebhookReceiver.start({ secret: () => secret, now: () => clock.now() });
  const created = await subscriptions.set('ws-1', { url: receiver.url });
  secret = created.secret;
  const feed = EventFeed.open();
  const enqueuer = feed.enqueuer(stores.deliveries, subscriptions, clock);
  let n = 0;
  return {
    clock,
    stores,
    subscriptions,
    receiver,
    feed,
    enqueuer,
    get secret() {
      return secret;
    },
    set secret(value: string) {
      secret = value;
    },
    dispatcher: (options = {}) =>
      new WebhookDispatcher(stores.deliveries, subscriptions, {
        clock,
        random: () => 0.5,
        timeoutMs: 2_000,
        ...options,
      }),
    expire: async (connectionId) => {
      n += 1;
      const [eventId] = await feed.append('ws-1', [
        expired('ws-1', connectionId ?? `conn-${n}`, clock.now()),
      ]);
      await enqueuer.catchUp();
      return webhookPayloadId(eventId, 'connection.expired');
    },
    delivery: async (id) => {
      const d = await stores.deliveries.get(id);
      if (!d) throw new Error(`no delivery ${id}`);
      return d;
    },
    close: async () => {
      await receiver.close();
      await feed.close();
      await stores.dispose();
    },
  };
}

describe('WebhookDispatcher against a local receiver (SQLite stores on disk, fake clock)', () => {
  let w: World;
  beforeEach(async () => {
    w = await world('sqlite');
  });
  afterEach(() => w.close());

  it('delivers on the first try, signed so that the customer verifies it', async () => {
    const id = await w.expire('conn-a');
    const report = await w.dispatcher().deliverDue();
    expect(report).toEqual({ attempts: 1, delivered: 1, retrying: 0, failed: 0 });

    expect(w.receiver.received).toHaveLength(1);
    const [request] = w.receiver.received;
    expect(request.check).toEqual({ valid: true, timestamp: T0.getTime() / 1000 });
    expect(request.id).toBe(id);
    expect(request.timestamp).toBe(String(T0.getTime() / 1000));
    expect(request.contentType).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      id,
      type: 'connection.expired',
      workspaceId: 'ws-1',
      connectionId: 'conn-a',
      platform: 'x',
      reason: 'token reached end of life',
      occurredAt: T0.toISOString(),
      data: {},
    } satisfies WebhookPayload);

    const d = await w.delivery(id);
    expect(d).toMatchObject({ status: 'delivered', deliveredAt: T0, nextAttemptAt: null });
    expect(d.attempts).toEqual([
      {
        attempt: 1,
        at: T0,
        status: 200,
        error: null,
        durationMs: expect.any(Number),
        finishedAt: T0,
      },
    ]);
    // Nothing more to do, however far the clock moves.
    w.clock.advance(7 * 24 * 60 * MINUTE);
    expect(await w.dispatcher().deliverDue()).toMatchObject({ attempts: 0 });
    expect(w.receiver.received).toHaveLength(1);
  });

  it('retries after 500s with growing delays until delivered, recording each attempt', async () => {
    w.receiver.answerNext(500, 500, 500);
    const id = await w.expire();
    // Jitter spans its whole range across attempts: low, high, middle, ...
    const randoms = [0, 0.999, 0.5];
    const dispatcher = w.dispatcher({ random: () => randoms.shift() ?? 0.5 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 1, retrying: 1 });
      const d = await w.delivery(id);
      expect(d.status).toBe('pending');
      const delay = d.nextAttemptAt!.getTime() - w.clock.now().getTime();
      delays.push(delay);
      // Not a moment early.
      w.clock.advance(delay - 1);
      expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 0 });
      w.clock.advance(1);
    }
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 1, delivered: 1 });

    // 10 s, 30 s, 2 min with ±20 % jitter, each longer than the one before.
    const [s1, s2, s3] = DEFAULT_RETRY_SCHEDULE_MS;
    expect(delays[0]).toBe(s1 * 0.8);
    expect(delays[1]).toBeGreaterThan(s2 * 1.19);
    expect(delays[1]).toBeLessThan(s2 * 1.2);
    expect(delays[2]).toBe(s3);
    expect(delays[1]).toBeGreaterThan(delays[0]);
    expect(delays[2]).toBeGreaterThan(delays[1]);

    const d = await w.delivery(id);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => [a.attempt, a.status, a.at.getTime() - T0.getTime()])).toEqual([
      [1, 500, 0],
      [2, 500, delays[0]],
      [3, 500, delays[0] + delays[1]],
      [4, 200, delays[0] + delays[1] + delays[2]],
    ]);
    expect(d.attempts.every((a) => a.durationMs !== null && a.finishedAt !== null)).toBe(true);
    // The same payload every time: same id, same bytes; each attempt signed at its own time.
    const requests = w.receiver.received;
    expect(new Set(requests.map((r) => r.id))).toEqual(new Set([id]));
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(requests.map((r) => r.timestamp)).size).toBe(4);
    expect(requests.every((r) => r.check.valid)).toBe(true);
  });

  it('gives up after the max attempts, and sends nothing after that', async () => {
    w.receiver.answerNext(500, 503, 500, 500);
    const id = await w.expire();
    const dispatcher = w.dispatcher({ maxAttempts: 3 });
    for (let i = 0; i < 3; i += 1) {
      await dispatcher.deliverDue();
      w.clock.advance(60 * MINUTE);
    }
    const d = await w.delivery(id);
    expect(d).toMatchObject({
      status: 'failed',
      failureReason: 'max_attempts',
      nextAttemptAt: null,
    });
    expect(d.attempts.map((a) => a.status)).toEqual([500, 503, 500]);
    w.clock.advance(100 * 60 * MINUTE);
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 0 });
    expect(w.receiver.received).toHaveLength(3);
  });

  it('retries a timeout and a refused connection, recording what went wrong', async () => {
    w.receiver.answerNext('hang');
    const id = await w.expire();
    const dispatcher = w.dispatcher({ timeoutMs: 300 });
    expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
    let d = await w.delivery(id);
    expect(d.attempts[0]).toMatchObject({ status: null, error: 'timeout after 300 ms' });
    expect(d.attempts[0].durationMs).toBeGreaterThanOrEqual(250);

    // The receiver moves to a port nobody listens on.
    const url = w.receiver.url;
    await w.receiver.close();
    await w.subscriptions.set('ws-1', { url });
    w.clock.advance(MINUTE);
    expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
    d = await w.delivery(id);
    expect(d.attempts[1]).toMatchObject({ status: null, error: 'network error: ECONNREFUSED' });
    expect(d.status).toBe('pending');
  });

  it('410 Gone removes the subscription; what is still pending fails without a request', async () => {
    w.receiver.answerNext(500, 410);
    const first = await w.expire();
    const dispatcher = w.dispatcher();
    await dispatcher.deliverDue(); // first: 500, retry in 10 s
    const second = await w.expire();
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 1, failed: 1 }); // 410
    expect(await w.delivery(second)).toMatchObject({ status: 'failed', failureReason: 'gone' });
    expect(await w.subscriptions.get('ws-1')).toBeNull();

    w.clock.advance(MINUTE);
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 1, failed: 1 });
    const d = await w.delivery(first);
    expect(d).toMatchObject({ status: 'failed', failureReason: 'not_subscribed' });
    expect(d.attempts[1]).toMatchObject({
      status: null,
      error: expect.stringMatching(/^not sent/),
    });
    expect(w.receiver.received).toHaveLength(2);
    // And nothing new is enqueued for a workspace without a webhook.
    await w.expire();
    expect(await w.dispatcher().deliverDue()).toMatchObject({ attempts: 0 });
  });

  it('a 410 for a subscription replaced meanwhile leaves the new one alone', async () => {
    w.receiver.answerNext(410);
    const id = await w.expire();
    let replacedId = '';
    const dispatcher = w.dispatcher({
      // While the request is out, the admin sets the webhook again (new id, new secret).
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        const replaced = await w.subscriptions.set('ws-1', { url: w.receiver.url });
        replacedId = replaced.subscription.subscriptionId;
        w.secret = replaced.secret;
        return response;
      },
    });
    expect(await dispatcher.deliverDue()).toMatchObject({ failed: 1 });
    expect(await w.delivery(id)).toMatchObject({ status: 'failed', failureReason: 'gone' });
    expect(await w.subscriptions.get('ws-1')).toMatchObject({ subscriptionId: replacedId });
    // The next event goes to the new subscription, signed with the new secret.
    const next = await w.expire();
    await w.dispatcher().deliverDue();
    expect(await w.delivery(next)).toMatchObject({ status: 'delivered' });
    expect(w.receiver.received.at(-1)?.check.valid).toBe(true);
  });

  it('rejects a replay of an old signed request by the timestamp tolerance', async () => {
    await w.expire();
    await w.dispatcher().deliverDue();
    const [original] = w.receiver.received;
    expect(verifyWebhookSignature(w.secret, original.signature, original.body, T0, 300)).toBe(true);

    // An attacker who captured it replays it byte for byte ten minutes later.
    w.clock.advance(10 * MINUTE);
    const replay = await fetch(w.receiver.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Webhook-Id': original.id!,
        'Webhook-Timestamp': original.timestamp!,
        'Webhook-Signature': original.signature!,
      },
      body: original.body,
    });
    expect(replay.status).toBe(400);
    expect(w.receiver.received[1].check).toEqual({
      valid: false,
      reason: 'timestamp_outside_tolerance',
    });
    // Nor can the timestamp be bumped: the signature covers it.
    const bumped = original.signature!.replace(/^t=\d+/, `t=${w.clock.now().getTime() / 1000}`);
    expect(checkWebhookSignature(w.secret, bumped, original.body, w.clock.now())).toEqual({
      valid: false,
      reason: 'signature_mismatch',
    });
  });

  it('a wrong secret fails verification, and the delivery is retried until it verifies', async () => {
    const right = w.secret;
    w.secret = 'whsec_not-the-right-one';
    const id = await w.expire();
    await w.dispatcher().deliverDue();
    expect(w.receiver.received[0].check).toEqual({ valid: false, reason: 'signature_mismatch' });
    expect(w.receiver.received[0].answered).toBe(400);
    expect((await w.delivery(id)).attempts[0].status).toBe(400);
    // The customer fixes their secret: the retry verifies.
    w.secret = right;
    w.clock.advance(MINUTE);
    await w.dispatcher().deliverDue();
    expect(await w.delivery(id)).toMatchObject({ status: 'delivered' });
  });

  it('sends a delivery whose dispatcher died again once its lease is over, as the next attempt', async () => {
    const id = await w.expire();
    // A dispatcher claimed it and died before sending.
    await w.stores.deliveries.claimDue({
      now: w.clock.now(),
      limit: 10,
      leaseMs: 70 * SECOND,
      claimant: 'dead',
    });
    expect(await w.dispatcher().deliverDue()).toMatchObject({ attempts: 0 });
    w.clock.advance(70 * SECOND);
    expect(await w.dispatcher().deliverDue()).toMatchObject({ delivered: 1 });
    const d = await w.delivery(id);
    expect(d.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, null, ABANDONED_ATTEMPT_ERROR],
      [2, 200, null],
    ]);
    expect(w.receiver.received).toHaveLength(1);
  });
});

describe.each<StoreKind>(['sqlite', 'ferretdb'])('Two dispatchers on one %s store', (kind) => {
  let w: World;
  beforeEach(async () => {
    w = await world(kind);
  });
  afterEach(() => w.close());

  it('deliver each payload exactly once, retries included', async () => {
    // Every third request fails once, so the retry round races as well.
    let n = 0;
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push(await w.expire(`conn-${i}`));
    const answers = Array.from({ length: 30 }, () => (n++ % 3 === 0 ? 500 : 200) as 200 | 500);
    w.receiver.answerNext(...answers);

    const other = await w.stores.openAnotherDeliveries();
    const a = w.dispatcher({ batchSize: 4, claimant: 'a' });
    const b = new WebhookDispatcher(other, w.subscriptions, {
      clock: w.clock,
      batchSize: 4,
      claimant: 'b',
    });
    const first = await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue()]);
    expect(first.reduce((sum, r) => sum + r.attempts, 0)).toBe(30);
    // Both took part (the race is real), yet nothing went out twice (below).
    expect(first[0].attempts + first[2].attempts).toBeGreaterThan(0);
    expect(first[1].attempts).toBeGreaterThan(0);
    expect(first.reduce((sum, r) => sum + r.retrying, 0)).toBe(10);
    w.clock.advance(MINUTE);
    const second = await Promise.all([b.deliverDue(), a.deliverDue(), b.deliverDue()]);
    expect(second.reduce((sum, r) => sum + r.delivered, 0)).toBe(10);

    // Each payload reached the receiver, verified, once as delivered.
    const delivered = w.receiver.received.filter((r) => r.answered === 200);
    expect(delivered.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(w.receiver.received).toHaveLength(40);
    for (const id of ids) {
      const d = await w.delivery(id);
      expect(d.status).toBe('delivered');
      expect(d.attempts.every((x) => x.status !== null)).toBe(true);
    }
  });
});

describe('Nothing secret in payloads or records', () => {
  it.each<StoreKind>(['sqlite', 'ferretdb'])('on %s', async (kind) => {
    const w = await world(kind);
    try {
      // An event that (wrongly) carries a token-like field is still mapped by allow-list.
      await w.feed.append('ws-1', [
        {
          type: 'ConnectionDisconnected',
          data: {
            workspaceId: 'ws-1',
            connectionId: 'conn-z',
            platform: 'x',
            accountId: 'acct-1',
            reason: 'user',
            wasMain: true,
            at: T0.toISOString(),
            accessToken: 'tok-LEAK-ME-NOT',
          } as never,
        },
      ]);
      await w.enqueuer.catchUp();
      w.receiver.answerNext(500);
      await w.dispatcher().deliverDue();
      w.clock.advance(MINUTE);
      await w.dispatcher().deliverDue();
      expect(w.receiver.received.map((r) => r.answered)).toEqual([500, 200]);

      const secret = w.secret;
      const secretBytes = Buffer.from(secret.slice('whsec_'.length), 'base64url');
      const raw = await w.stores.rawDump();
      for (const needle of [
        secret,
        secret.slice('whsec_'.length),
        secretBytes.toString('hex'),
        secretBytes.toString('base64'),
        secretBytes.toString('latin1'),
        'tok-LEAK-ME-NOT',
        '203.0.113.9',
      ]) {
        expect(raw.includes(needle)).toBe(false);
      }
      for (const r of w.receiver.received) {
        expect(r.body).not.toContain('tok-LEAK-ME-NOT');
        expect(r.body).not.toContain(secret);
        expect(r.body).not.toContain('203.0.113.9');
      }
      const deliveries = await w.stores.deliveries.list('ws-1');
      expect(deliveries).toHaveLength(1);
      const recorded = JSON.stringify(deliveries) + inspect(deliveries, { depth: 10 });
      expect(recorded).not.toContain(secret);
      expect(recorded).not.toContain(w.receiver.url);
      // The admin's view has no secret at all; the dispatcher's target hides it from loggers.
      expect(JSON.stringify(await w.subscriptions.get('ws-1'))).not.toContain(secret);
      expect(inspect(await w.subscriptions.target('ws-1'), { depth: 10 })).not.toContain(secret);
    } finally {
      await w.close();
    }
  });
});
