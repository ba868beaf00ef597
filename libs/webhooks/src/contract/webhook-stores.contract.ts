import { randomBytes, randomUUID } from 'node:crypto';
import {
  ABANDONED_ATTEMPT_ERROR,
  type DeliveryClaim,
  type NewWebhookDelivery,
  type WebhookDeliveryStore,
} from '../delivery-store.port';
import type {
  StoredWebhookSubscription,
  WebhookSubscriptionStore,
} from '../subscription-store.port';

/** One backing storage (a SQLite file, a database); each open() is another instance on it. */
export interface WebhookStoresBackend {
  openSubscriptions(): Promise<WebhookSubscriptionStore>;
  openDeliveries(): Promise<WebhookDeliveryStore>;
  dispose(): Promise<void>;
}

const T0 = new Date('2030-01-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const SECOND = 1000;

export function subscription(
  workspaceId: string,
  overrides: Partial<StoredWebhookSubscription> = {},
): StoredWebhookSubscription {
  return {
    workspaceId,
    subscriptionId: randomUUID(),
    url: `https://hooks.example.com/${workspaceId}`,
    events: ['connection.expired', 'connection.disconnected'],
    secret: {
      keyId: 'k1',
      iv: randomBytes(12),
      authTag: randomBytes(16),
      ciphertext: randomBytes(49),
    },
    createdAt: T0,
    updatedAt: at(SECOND),
    ...overrides,
  };
}

let counter = 0;
export function delivery(overrides: Partial<NewWebhookDelivery> = {}): NewWebhookDelivery {
  counter += 1;
  const id = `whevt_${randomUUID()}`;
  return {
    id,
    workspaceId: `ws-${counter}`,
    type: 'connection.expired',
    eventId: randomUUID(),
    body: JSON.stringify({ id, type: 'connection.expired', n: counter, text: 'ünïcödé ✓' }),
    createdAt: T0,
    nextAttemptAt: T0,
    ...overrides,
  };
}

const finished = (ms: number, status: number | null = 500) => ({
  finishedAt: at(ms),
  status,
  error: status === null ? 'network error: ECONNREFUSED' : null,
  durationMs: 12.4,
});

/** What every WebhookSubscriptionStore adapter must do, run against each real store. */
export function webhookSubscriptionStoreContract(
  name: string,
  createBackend: () => Promise<WebhookStoresBackend>,
): void {
  describe(`WebhookSubscriptionStore contract: ${name}`, () => {
    let backend: WebhookStoresBackend;
    let store: WebhookSubscriptionStore;

    beforeEach(async () => {
      backend = await createBackend();
      store = await backend.openSubscriptions();
    });
    afterEach(async () => {
      await store.close();
      await backend.dispose();
    });

    it('returns what was put, sealed secret byte for byte, and null for another workspace', async () => {
      const s = subscription('ws-1');
      await store.put(s);
      expect(await store.get('ws-1')).toEqual(s);
      expect(await store.get('ws-2')).toBeNull();
    });

    it('keeps one subscription per workspace: a second put replaces the first', async () => {
      await store.put(subscription('ws-1'));
      const second = subscription('ws-1', { url: 'https://other.example.com/h', events: [] });
      await store.put(second);
      expect(await store.get('ws-1')).toEqual(second);
    });

    it('keeps subscriptions across reopening', async () => {
      const s = subscription('ws-1');
      await store.put(s);
      await store.close();
      store = await backend.openSubscriptions();
      expect(await store.get('ws-1')).toEqual(s);
    });

    it('removes, and removes by subscription id only while it is still that one', async () => {
      const first = subscription('ws-1');
      await store.put(first);
      await store.put(subscription('ws-2'));
      const second = subscription('ws-1');
      await store.put(second);
      // A 410 aimed at the first subscription leaves the newer one alone.
      expect(await store.remove('ws-1', first.subscriptionId)).toBe(false);
      expect(await store.get('ws-1')).toEqual(second);
      expect(await store.remove('ws-1', second.subscriptionId)).toBe(true);
      expect(await store.get('ws-1')).toBeNull();
      expect(await store.remove('ws-1')).toBe(false);
      expect(await store.remove('ws-2')).toBe(true);
      expect(await store.get('ws-2')).toBeNull();
    });
  });
}

/** What every WebhookDeliveryStore adapter must do, run against each real store. */
export function webhookDeliveryStoreContract(
  name: string,
  createBackend: () => Promise<WebhookStoresBackend>,
): void {
  describe(`WebhookDeliveryStore contract: ${name}`, () => {
    let backend: WebhookStoresBackend;
    let store: WebhookDeliveryStore;
    const others: WebhookDeliveryStore[] = [];
    const claim = (now: Date, limit = 10, leaseMs = 60 * SECOND, s = store, claimant = 'd1') =>
      s.claimDue({ now, limit, leaseMs, claimant });

    beforeEach(async () => {
      backend = await createBackend();
      store = await backend.openDeliveries();
    });
    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      await store.close();
      await backend.dispose();
    });

    it('enqueues once per id: a second enqueue of the same payload keeps the first', async () => {
      const d = delivery();
      expect(await store.enqueue(d)).toBe(true);
      expect(await store.enqueue({ ...d, body: '{"changed":true}', createdAt: at(5) })).toBe(false);
      const stored = await store.get(d.id);
      expect(stored).toEqual({
        ...d,
        status: 'pending',
        deliveredAt: null,
        failedAt: null,
        failureReason: null,
        attempts: [],
      });
      expect(await store.list(d.workspaceId)).toHaveLength(1);
      expect(await store.get('whevt_unknown')).toBeNull();
    });

    it('claims only what is due, earliest first, up to the limit', async () => {
      const late = delivery({ nextAttemptAt: at(10 * SECOND) });
      const first = delivery({ nextAttemptAt: at(-2 * SECOND) });
      const second = delivery({ nextAttemptAt: at(-SECOND) });
      const third = delivery({ nextAttemptAt: T0 });
      for (const d of [late, third, first, second]) await store.enqueue(d);
      const claims = await claim(T0, 2);
      expect(claims.map((c) => c.deliveryId)).toEqual([first.id, second.id]);
      expect(claims[0]).toEqual({
        deliveryId: first.id,
        workspaceId: first.workspaceId,
        type: first.type,
        eventId: first.eventId,
        body: first.body,
        attempt: 1,
        claimant: 'd1',
        at: T0,
        leaseUntil: at(60 * SECOND),
      });
      expect((await claim(T0)).map((c) => c.deliveryId)).toEqual([third.id]);
      expect(await claim(T0)).toEqual([]);
      expect((await claim(at(10 * SECOND))).map((c) => c.deliveryId)).toEqual([late.id]);
    });

    it('records a delivered attempt and never claims the delivery again', async () => {
      const d = delivery();
      await store.enqueue(d);
      const [c] = await claim(T0);
      const inFlight = await store.get(d.id);
      expect(inFlight?.status).toBe('pending');
      expect(inFlight?.attempts).toEqual([
        { attempt: 1, at: T0, status: null, error: null, durationMs: null, finishedAt: null },
      ]);
      await store.complete(c, finished(SECOND, 204), { status: 'delivered' });
      const stored = await store.get(d.id);
      expect(stored).toMatchObject({
        status: 'delivered',
        deliveredAt: at(SECOND),
        nextAttemptAt: null,
        failedAt: null,
        failureReason: null,
      });
      expect(stored?.attempts).toEqual([
        { attempt: 1, at: T0, status: 204, error: null, durationMs: 12, finishedAt: at(SECOND) },
      ]);
      expect(await claim(at(1000 * SECOND))).toEqual([]);
    });

    it('retries when told, not before, counting attempts, until it fails', async () => {
      const d = delivery();
      await store.enqueue(d);
      const [c1] = await claim(T0);
      await store.complete(c1, finished(SECOND, 500), {
        status: 'pending',
        nextAttemptAt: at(11 * SECOND),
      });
      expect(await store.get(d.id)).toMatchObject({
        status: 'pending',
        nextAttemptAt: at(11 * SECOND),
      });
      expect(await claim(at(11 * SECOND - 1))).toEqual([]);
      const [c2] = await claim(at(11 * SECOND));
      expect(c2).toMatchObject({ deliveryId: d.id, attempt: 2 });
      await store.complete(c2, finished(12 * SECOND, null), {
        status: 'failed',
        reason: 'max_attempts',
      });
      const stored = await store.get(d.id);
      expect(stored).toMatchObject({
        status: 'failed',
        failureReason: 'max_attempts',
        failedAt: at(12 * SECOND),
        nextAttemptAt: null,
      });
      expect(stored?.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
        [1, 500, null],
        [2, null, 'network error: ECONNREFUSED'],
      ]);
      expect(await claim(at(1000 * SECOND))).toEqual([]);
    });

    it('does not claim an attempt in flight again until its lease ends, then counts it abandoned', async () => {
      const d = delivery();
      await store.enqueue(d);
      const [c1] = await claim(T0, 10, 30 * SECOND);
      expect(await claim(at(30 * SECOND - 1), 10, 30 * SECOND, store, 'd2')).toEqual([]);
      const [c2] = await claim(at(30 * SECOND), 10, 30 * SECOND, store, 'd2');
      expect(c2).toMatchObject({ deliveryId: d.id, attempt: 2, claimant: 'd2' });
      const stored = await store.get(d.id);
      expect(stored?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, error: ABANDONED_ATTEMPT_ERROR }),
        expect.objectContaining({ attempt: 2, finishedAt: null }),
      ]);
      // The dead dispatcher's late report is recorded, but the delivery follows attempt 2.
      await store.complete(c1, finished(40 * SECOND, 500), {
        status: 'pending',
        nextAttemptAt: at(50 * SECOND),
      });
      await store.complete(c2, finished(41 * SECOND, 200), { status: 'delivered' });
      expect(await store.get(d.id)).toMatchObject({
        status: 'delivered',
        deliveredAt: at(41 * SECOND),
      });
      expect(await claim(at(1000 * SECOND))).toEqual([]);
    });

    it('lists a workspace’s deliveries oldest first, by status', async () => {
      const a = delivery({ workspaceId: 'ws-list', createdAt: at(1) });
      const b = delivery({ workspaceId: 'ws-list', createdAt: at(2) });
      await store.enqueue(b);
      await store.enqueue(a);
      await store.enqueue(delivery({ workspaceId: 'ws-other' }));
      expect((await store.list('ws-list')).map((d) => d.id)).toEqual([a.id, b.id]);
      const [c] = (await claim(T0)).filter((x) => x.deliveryId === a.id);
      await store.complete(c, finished(5, 200), { status: 'delivered' });
      expect((await store.list('ws-list', { status: 'pending' })).map((d) => d.id)).toEqual([b.id]);
      expect((await store.list('ws-list', { limit: 1 })).map((d) => d.id)).toEqual([a.id]);
    });

    it('keeps deliveries, attempts and checkpoints across reopening', async () => {
      const d = delivery();
      await store.enqueue(d);
      const [c] = await claim(T0);
      await store.complete(c, finished(SECOND, 503), {
        status: 'pending',
        nextAttemptAt: at(20 * SECOND),
      });
      expect(await store.getCheckpoint('webhooks')).toBeNull();
      await store.saveCheckpoint('webhooks', '41');
      await store.saveCheckpoint('webhooks', '42');
      await store.saveCheckpoint('other', '7/7');
      const before = await store.get(d.id);
      await store.close();
      store = await backend.openDeliveries();
      expect(await store.get(d.id)).toEqual(before);
      expect(await store.getCheckpoint('webhooks')).toBe('42');
      expect(await store.getCheckpoint('other')).toBe('7/7');
    });

    it("never moves the enqueuer's checkpoint back (a slower enqueuer finishing late)", async () => {
      await store.saveCheckpoint('webhooks', '42');
      await store.saveCheckpoint('webhooks', '9');
      expect(await store.getCheckpoint('webhooks')).toBe('42');
    });

    it('refuses a nonsensical limit or lease', async () => {
      await expect(claim(T0, 0)).rejects.toThrow(RangeError);
      await expect(claim(T0, 10, 0)).rejects.toThrow(RangeError);
    });

    it('hands each attempt to one claimer only when two instances race (two processes)', async () => {
      const other = await backend.openDeliveries();
      others.push(other);
      const all = Array.from({ length: 30 }, () => delivery());
      for (const d of all) await store.enqueue(d);
      const rounds = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          claim(T0, 5, 60 * SECOND, i % 2 === 0 ? store : other, `d${i}`),
        ),
      );
      let claims: DeliveryClaim[] = rounds.flat();
      // Whatever the rounds left, two more racing sweeps take.
      const more = await Promise.all([
        claim(T0, 100, 60 * SECOND, store, 'x1'),
        claim(T0, 100, 60 * SECOND, other, 'x2'),
      ]);
      claims = claims.concat(more.flat());
      expect(claims.map((c) => c.deliveryId).sort()).toEqual(all.map((d) => d.id).sort());
      expect(claims.every((c) => c.attempt === 1)).toBe(true);

      // Second round: all failed once and are due again; race again for attempt 2.
      for (const c of claims) {
        await store.complete(c, finished(SECOND), {
          status: 'pending',
          nextAttemptAt: at(10 * SECOND),
        });
      }
      const second = (
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            claim(at(10 * SECOND), 10, 60 * SECOND, i % 2 === 0 ? store : other, `r${i}`),
          ),
        )
      ).flat();
      const rest = (
        await Promise.all([
          claim(at(10 * SECOND), 100, 60 * SECOND, store, 'y1'),
          claim(at(10 * SECOND), 100, 60 * SECOND, other, 'y2'),
        ])
      ).flat();
      const attempt2 = second.concat(rest);
      expect(attempt2.map((c) => c.deliveryId).sort()).toEqual(all.map((d) => d.id).sort());
      expect(attempt2.every((c) => c.attempt === 2)).toBe(true);
    });
  });
}
