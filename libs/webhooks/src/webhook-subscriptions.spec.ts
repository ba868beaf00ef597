import { inspect } from 'node:util';
import { generateKeyRingString, KeyRing } from '@ledger/token-vault';
import { WebhookSecretError } from './secret-box';
import { FakeClock, openStores, type WebhookStores } from './testing/harness';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';
import { WebhookSubscriptionError, WebhookSubscriptions } from './webhook-subscriptions';

const T0 = new Date('2030-01-01T09:00:00.000Z');

describe('WebhookSubscriptions (SQLite store on disk)', () => {
  let stores: WebhookStores;
  let clock: FakeClock;
  let ringString: string;
  let subscriptions: WebhookSubscriptions;

  beforeEach(async () => {
    stores = await openStores('sqlite');
    clock = new FakeClock(T0);
    ringString = generateKeyRingString({ id: 'k1' });
    subscriptions = new WebhookSubscriptions(stores.subscriptionStore, KeyRing.parse(ringString), {
      clock,
    });
  });
  afterEach(() => stores.dispose());

  it('generates the secret, shows it once, and stores it only sealed', async () => {
    const created = await subscriptions.set('ws-1', {
      url: 'https://hooks.example.com/ledger',
      events: ['connection.error', 'connection.expired', 'connection.error'],
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.subscription).toEqual({
      workspaceId: 'ws-1',
      subscriptionId: expect.any(String),
      url: 'https://hooks.example.com/ledger',
      events: ['connection.expired', 'connection.error'],
      createdAt: T0,
      updatedAt: T0,
    });
    // The API answers it once, as JSON; loggers see it redacted.
    expect(JSON.parse(JSON.stringify(created)).secret).toBe(created.secret);
    expect(inspect(created)).not.toContain(created.secret);
    expect(inspect(created)).toContain('[redacted]');
    // Later reads never include it.
    expect(await subscriptions.get('ws-1')).toEqual(created.subscription);
    // Stored sealed under the ring's key.
    const stored = await stores.subscriptionStore.get('ws-1');
    expect(stored?.secret.keyId).toBe('k1');
    expect(stored?.secret.ciphertext.toString('latin1')).not.toContain(created.secret.slice(6));
    expect(await stores.rawDump()).not.toContain(created.secret.slice(6));
    // The dispatcher can open it.
    expect((await subscriptions.target('ws-1'))?.secret).toBe(created.secret);
    expect(await subscriptions.target('ws-2')).toBeNull();
  });

  it('rotates the secret on every set, keeping when the workspace first subscribed', async () => {
    const first = await subscriptions.set('ws-1', { url: 'https://a.example.com/h' });
    expect(first.subscription.events).toEqual([...WEBHOOK_EVENT_TYPES]);
    clock.advance(60_000);
    const second = await subscriptions.set('ws-1', { url: 'https://b.example.com/h' });
    expect(second.secret).not.toBe(first.secret);
    expect(second.subscription.subscriptionId).not.toBe(first.subscription.subscriptionId);
    expect(second.subscription).toMatchObject({ createdAt: T0, updatedAt: clock.now() });
    expect((await subscriptions.target('ws-1'))?.secret).toBe(second.secret);
    expect(await subscriptions.remove('ws-1')).toBe(true);
    expect(await subscriptions.get('ws-1')).toBeNull();
  });

  it('opens old secrets after a key rotation, and refuses a sealed secret moved to another workspace', async () => {
    const created = await subscriptions.set('ws-1', { url: 'https://a.example.com/h' });
    const rotated = new WebhookSubscriptions(
      stores.subscriptionStore,
      KeyRing.parse(generateKeyRingString({ id: 'k2', prependTo: ringString })),
    );
    expect((await rotated.target('ws-1'))?.secret).toBe(created.secret);
    const stored = (await stores.subscriptionStore.get('ws-1'))!;
    await stores.subscriptionStore.put({ ...stored, workspaceId: 'ws-evil' });
    await expect(subscriptions.target('ws-evil')).rejects.toThrow(WebhookSecretError);
    await expect(subscriptions.target('ws-evil')).rejects.not.toThrow(created.secret);
    const withoutKey = new WebhookSubscriptions(
      stores.subscriptionStore,
      KeyRing.parse(generateKeyRingString({ id: 'k9' })),
    );
    await expect(withoutKey.target('ws-1')).rejects.toThrow(/no longer holds/);
  });

  it.each([
    ['not a url', /absolute URL/],
    ['http://hooks.example.com/h', /https/],
    ['ftp://hooks.example.com/h', /https/],
    ['https://user:pass@hooks.example.com/h', /credentials/],
  ])('refuses the url %p', async (url, message) => {
    const attempt = subscriptions.set('ws-1', { url });
    await expect(attempt).rejects.toThrow(WebhookSubscriptionError);
    await expect(subscriptions.set('ws-1', { url })).rejects.toThrow(message);
  });

  it('refuses unknown or no event types', async () => {
    const url = 'https://hooks.example.com/h';
    await expect(
      subscriptions.set('ws-1', { url, events: ['connection.created'] }),
    ).rejects.toThrow(WebhookSubscriptionError);
    await expect(subscriptions.set('ws-1', { url, events: [] })).rejects.toThrow(/non-empty/);
  });

  it('allows http and a loopback receiver only when told to (local runs, tests)', async () => {
    const local = new WebhookSubscriptions(stores.subscriptionStore, KeyRing.parse(ringString), {
      requireHttps: false,
      allowPrivateTargets: true,
    });
    const created = await local.set('ws-1', { url: 'http://127.0.0.1:9999/h#frag' });
    expect(created.subscription.url).toBe('http://127.0.0.1:9999/h');
  });
});
