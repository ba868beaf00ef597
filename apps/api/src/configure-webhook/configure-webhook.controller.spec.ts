import request from 'supertest';
import { signTestToken } from '@ledger/testing/jwt';
import { WEBHOOK_EVENT_TYPES, WebhookSubscriptions } from '@ledger/webhooks';
import {
  openStores,
  testKeyRing,
  type WebhookStores,
} from '../../../../libs/webhooks/src/testing/harness';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from '../http/testing/test-app';
import { ConfigureWebhookController } from './configure-webhook.controller';

describe('PUT /v1/workspaces/{ws}/webhook: the body is checked before anything is stored', () => {
  let stores: WebhookStores;
  let t: TestApp;
  const owner = () =>
    signTestToken({ sub: 'u-1', workspaces: { 'ws-1': 'owner' } }, TEST_JWT_SECRET);
  const put = (body: object) =>
    request(t.server)
      .put('/v1/workspaces/ws-1/webhook')
      .set('Authorization', `Bearer ${owner()}`)
      .send(body);

  beforeAll(async () => {
    stores = await openStores('sqlite');
    t = await createTestApp({
      controllers: [ConfigureWebhookController],
      providers: [
        {
          provide: WebhookSubscriptions,
          // As a local run has it: plain http allowed, private targets not (the default).
          useValue: new WebhookSubscriptions(stores.subscriptionStore, testKeyRing(), {
            requireHttps: false,
          }),
        },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await stores.dispose();
  });

  it('refuses `events: null` with 400 naming the field, and stores no webhook (it was a 500)', async () => {
    const res = await put({ url: 'https://hooks.example.com/ledger', events: null });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['events']);
    expect(await stores.subscriptionStore.get('ws-1')).toBeNull();
    expect(t.logs.text).not.toMatch(/-> 500/);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['https://localhost/hook', /public host/],
    ['https://api.localhost/hook', /public host/],
    ['https://printer.local/hook', /public host/],
    ['https://metadata.google.internal/computeMetadata/v1/', /public host/],
    ['https://intranet/hook', /public host/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://0.0.0.0/hook', /unspecified/],
    ['http://0/hook', /unspecified/],
    ['http://10.0.0.7/hook', /private/],
    ['http://172.20.1.1/hook', /private/],
    ['http://192.168.0.10/hook', /private/],
    ['http://100.100.100.200/hook', /carrier-grade NAT/],
    ['http://[::1]/hook', /loopback/],
    ['http://[::]/hook', /unspecified/],
    ['http://[fd00::1]/hook', /unique-local/],
    ['http://[fe80::1]/hook', /link-local/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback \(IPv4 in IPv6\)/],
    ['http://[::ffff:169.254.169.254]/hook', /link-local/],
    ['http://2130706433/hook', /loopback/],
    ['http://0x7f.1/hook', /loopback/],
    ['http://017700000001/hook', /loopback/],
    ['http://127.1/hook', /loopback/],
    ['file:///etc/passwd', /http/],
    ['gopher://hooks.example.com/', /http/],
    ['https://user:secret@hooks.example.com/hook', /credentials/],
  ])('refuses %s with 400 naming url, and stores nothing', async (url, why) => {
    const res = await put({ url });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.errors).toEqual([{ field: 'url', messages: [expect.stringMatching(why)] }]);
    expect(JSON.stringify(res.body)).not.toContain('secret@');
    expect(await stores.subscriptionStore.get('ws-1')).toBeNull();
  });

  it('still takes every event when `events` is absent', async () => {
    const res = await put({ url: 'https://hooks.example.com/ledger' });
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});
