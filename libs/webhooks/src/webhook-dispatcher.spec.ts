import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
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
import { TEST_TLS_CERT, TEST_TLS_KEY } from './testing/tls-fixture';
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
  // The receiver runs on 127.0.0.1: private targets are allowed explicitly, as in local runs.
  const subscriptions = new WebhookSubscriptions(stores.subscriptionStore, testKeyRing(), {
    clock,
    requireHttps: false,
    allowPrivateTargets: true,
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
        allowPrivateTargets: true,
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

  it('times out a receiver that never answers and retries it on the backoff schedule', async () => {
    w.receiver.answerNext('hang');
    const id = await w.expire();
    const dispatcher = w.dispatcher({ timeoutMs: 300 });
    expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
    let d = await w.delivery(id);
    expect(d.attempts[0]).toMatchObject({ status: null, error: 'timeout after 300 ms' });
    expect(d.attempts[0].durationMs).toBeGreaterThanOrEqual(250);
    // The first wait of the schedule (random 0.5: no jitter), not a moment early.
    const retryAt = d.attempts[0].finishedAt!.getTime() + DEFAULT_RETRY_SCHEDULE_MS[0];
    expect(d.nextAttemptAt?.getTime()).toBe(retryAt);
    w.clock.set(new Date(retryAt - 1));
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 0 });
    w.clock.set(new Date(retryAt));
    expect(await dispatcher.deliverDue()).toMatchObject({ attempts: 1, delivered: 1 });
    d = await w.delivery(id);
    expect(d.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, null],
      [2, 200],
    ]);
  });

  it('takes the status of an answer whose body never ends, without reading the body', async () => {
    w.receiver.answerNext('endless');
    const id = await w.expire();
    expect(await w.dispatcher({ timeoutMs: 60_000 }).deliverDue()).toMatchObject({
      delivered: 1,
    });
    expect(await w.delivery(id)).toMatchObject({ status: 'delivered' });
  });

  it('retries a refused connection, recording what went wrong', async () => {
    const id = await w.expire();
    // The receiver moves to a port nobody listens on.
    const url = w.receiver.url;
    await w.receiver.close();
    await w.subscriptions.set('ws-1', { url });
    expect(await w.dispatcher().deliverDue()).toMatchObject({ retrying: 1 });
    const d = await w.delivery(id);
    expect(d.attempts[0]).toMatchObject({ status: null, error: 'network error: ECONNREFUSED' });
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
    // While the request is out, the admin sets the webhook again (new id, new secret).
    w.receiver.meanwhile = async () => {
      w.receiver.meanwhile = null;
      const replaced = await w.subscriptions.set('ws-1', { url: w.receiver.url });
      replacedId = replaced.subscription.subscriptionId;
      w.secret = replaced.secret;
    };
    const dispatcher = w.dispatcher();
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

describe('At send time the webhook reaches public addresses only, pinned (SQLite, local receiver)', () => {
  let w: World;
  beforeEach(async () => {
    w = await world('sqlite');
  });
  afterEach(() => w.close());

  /** A subscription stored without the address rules (before them, or while they were off). */
  const storeUnchecked = async (url: string) => {
    w.secret = (await w.subscriptions.set('ws-1', { url })).secret;
  };

  it('refuses a stored name that resolves to loopback: a failed attempt, retried, nothing sent', async () => {
    const port = new URL(w.receiver.url).port;
    await storeUnchecked(`http://hooks.customer.example:${port}/hooks/ledger`);
    const id = await w.expire();
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const strict = w.dispatcher({ allowPrivateTargets: false, resolve: toLoopback });
    expect(await strict.deliverDue()).toMatchObject({ attempts: 1, retrying: 1 });
    const d = await w.delivery(id);
    expect(d.status).toBe('pending');
    expect(d.attempts).toEqual([
      expect.objectContaining({
        status: null,
        error: 'not sent: the webhook host resolves to a loopback address',
      }),
    ]);
    expect(w.receiver.received).toHaveLength(0);
    // Retried on the schedule, and refused again.
    w.clock.advance(DEFAULT_RETRY_SCHEDULE_MS[0]);
    expect(await strict.deliverDue()).toMatchObject({ attempts: 1, retrying: 1 });
    expect(w.receiver.received).toHaveLength(0);
    // The same subscription, with private targets allowed (local development), is delivered.
    w.clock.advance(DEFAULT_RETRY_SCHEDULE_MS[1] * 2);
    const local = w.dispatcher({ resolve: toLoopback });
    expect(await local.deliverDue()).toMatchObject({ delivered: 1 });
    expect(w.receiver.received).toHaveLength(1);
  });

  it.each([
    ['localhost', 'url must name a public host, not a local one'],
    ['127.0.0.1', 'url must not point at a loopback address'],
    ['[::1]', 'url must not point at a loopback address'],
    ['[::ffff:127.0.0.1]', 'url must not point at a loopback (IPv4 in IPv6) address'],
    ['169.254.169.254', 'url must not point at a link-local (cloud metadata) address'],
    ['10.1.2.3', 'url must not point at a private address'],
  ])('refuses a stored URL on %s before resolving or connecting', async (host, why) => {
    await storeUnchecked(w.receiver.url.replace('127.0.0.1', host));
    const id = await w.expire();
    const resolve = jest.fn(async () => [{ address: '127.0.0.1', family: 4 as const }]);
    await w.dispatcher({ allowPrivateTargets: false, resolve }).deliverDue();
    expect((await w.delivery(id)).attempts[0].error).toBe(`not sent: ${why}`);
    expect(resolve).not.toHaveBeenCalled();
    expect(w.receiver.received).toHaveLength(0);
  });

  it('checks every address a name resolves to: one private answer among public ones refuses it', async () => {
    const asked: string[] = [];
    await storeUnchecked('https://hooks.customer.example/ledger');
    const id = await w.expire();
    const dispatcher = w.dispatcher({
      allowPrivateTargets: false,
      resolve: async (host) => {
        asked.push(host);
        return [
          { address: '93.184.216.34', family: 4 },
          { address: 'fd00::5', family: 6 },
        ];
      },
    });
    expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
    expect(asked).toEqual(['hooks.customer.example']);
    expect((await w.delivery(id)).attempts[0].error).toBe(
      'not sent: the webhook host resolves to a unique-local address',
    );
  });

  it('connects to the address it checked, keeping the host in Host: a later DNS answer is not used', async () => {
    const port = new URL(w.receiver.url).port;
    await storeUnchecked(`http://hooks.customer.example:${port}/hooks/ledger`);
    const answers = ['127.0.0.1', '192.0.2.66'];
    const asked: string[] = [];
    const dispatcher = w.dispatcher({
      // Rebinding: the name answers the receiver first, then somewhere else.
      resolve: async (host) => {
        asked.push(host);
        return [{ address: answers.shift() ?? '192.0.2.66', family: 4 }];
      },
    });
    const id = await w.expire();
    expect(await dispatcher.deliverDue()).toMatchObject({ delivered: 1 });
    // One resolution per attempt, and the request went to that answer (the system resolver
    // knows no hooks.customer.example), with the URL's host in Host.
    expect(asked).toEqual(['hooks.customer.example']);
    expect(w.receiver.received).toEqual([
      expect.objectContaining({ id, host: `hooks.customer.example:${port}` }),
    ]);
  });

  it('over https sends the name in SNI and checks the certificate, while connecting to the pinned address', async () => {
    const servernames: string[] = [];
    const tls = createTlsServer({
      cert: TEST_TLS_CERT,
      key: TEST_TLS_KEY,
      // The name the client asked for, before any certificate is presented.
      SNICallback: (name, done) => {
        servernames.push(name);
        done(null, undefined);
      },
    });
    tls.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = tls.address() as AddressInfo;
      await storeUnchecked(`https://hooks.customer.example:${port}/hooks/ledger`);
      const id = await w.expire();
      const dispatcher = w.dispatcher({
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      });
      expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
      // Self-signed for that name: refused by the certificate check, which is not skipped.
      expect((await w.delivery(id)).attempts[0].error).toBe(
        'network error: DEPTH_ZERO_SELF_SIGNED_CERT',
      );
      expect(servernames).toEqual(['hooks.customer.example']);
    } finally {
      await new Promise((resolve) => tls.close(resolve));
    }
  });

  it('gives DNS the same deadline: a resolver that never answers times out', async () => {
    await storeUnchecked('https://hooks.customer.example/ledger');
    const id = await w.expire();
    const dispatcher = w.dispatcher({ timeoutMs: 200, resolve: () => new Promise(() => {}) });
    expect(await dispatcher.deliverDue()).toMatchObject({ retrying: 1 });
    expect((await w.delivery(id)).attempts[0].error).toBe('timeout after 200 ms');
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
      allowPrivateTargets: true,
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
