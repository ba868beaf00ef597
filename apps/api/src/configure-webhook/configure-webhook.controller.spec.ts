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
          useValue: new WebhookSubscriptions(stores.subscriptionStore, testKeyRing()),
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

  it('still takes every event when `events` is absent', async () => {
    const res = await put({ url: 'https://hooks.example.com/ledger' });
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});
