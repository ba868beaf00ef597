import request from 'supertest';
import { verifyWebhookSignature } from '@ledger/webhooks';
import { WebhookReceiver } from '../../libs/webhooks/src/testing/webhook-receiver';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

async function eventually<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('nothing arrived in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)(
  'webhooks: a workspace hears about its connections, signed, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let receiver: WebhookReceiver;
    let secret = '';
    const WS = 'ws-hooks';
    const api = () => request(ledger.server);

    beforeAll(async () => {
      // The receiver listens on 127.0.0.1: private targets are allowed explicitly.
      ledger = await startLedgerApp({
        readModels,
        env: { WEBHOOK_EVERY_MS: '50', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
      });
      receiver = await WebhookReceiver.start({ secret: () => secret, now: () => new Date() });
    });
    afterAll(async () => {
      await receiver.close();
      await ledger.close();
    });

    it('sets a webhook (its secret shown once), then POSTs a signed connection.disconnected', async () => {
      const owner = ledger.token({ [WS]: 'owner' });
      const set = await api()
        .put(`/v1/workspaces/${WS}/webhook`)
        .set('Authorization', `Bearer ${owner}`)
        .send({ url: receiver.url })
        .expect(200);
      secret = set.body.secret;
      expect(secret).toMatch(/^whsec_/);
      const shown = await api()
        .get(`/v1/workspaces/${WS}/webhook`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(JSON.stringify(shown.body)).not.toContain(secret);

      const connection = (
        await ledger.connectX(WS, owner, { id: '7001', name: 'Hooked', username: 'hooked' })
      ).body.connections[0];
      await api()
        .delete(`/v1/workspaces/${WS}/connections/${connection.id}`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);

      const delivery = await eventually(() =>
        receiver.received.find((r) => r.body.includes('connection.disconnected')),
      );
      expect(delivery.check).toMatchObject({ valid: true });
      expect(
        verifyWebhookSignature(secret, delivery.signature ?? '', delivery.body, new Date(), 300),
      ).toBe(true);
      expect(
        verifyWebhookSignature(
          'whsec_wrong',
          delivery.signature ?? '',
          delivery.body,
          new Date(),
          300,
        ),
      ).toBe(false);
      expect(JSON.parse(delivery.body)).toMatchObject({
        type: 'connection.disconnected',
        workspaceId: WS,
        connectionId: connection.id,
        platform: 'x',
      });
      expect(delivery.body).not.toMatch(/access|refresh|whsec_/);
    });

    it('refuses a webhook URL that is not a URL', async () => {
      const owner = ledger.token({ [WS]: 'owner' });
      const bad = await api()
        .put(`/v1/workspaces/${WS}/webhook`)
        .set('Authorization', `Bearer ${owner}`)
        .send({ url: 'not a url' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('url');
    });
  },
);

describe('webhooks: by default the service refuses to post into its own network', () => {
  let ledger: LedgerTestApp;
  beforeAll(async () => {
    ledger = await startLedgerApp({ env: { WEBHOOK_EVERY_MS: '50' } });
  });
  afterAll(() => ledger.close());

  it('refuses a receiver on 127.0.0.1 with 400 naming url, and stores no webhook', async () => {
    const owner = ledger.token({ 'ws-local': 'owner' });
    const refused = await request(ledger.server)
      .put('/v1/workspaces/ws-local/webhook')
      .set('Authorization', `Bearer ${owner}`)
      .send({ url: 'http://127.0.0.1:9/hooks' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(refused.body.errors).toEqual([
      { field: 'url', messages: ['url must not point at a loopback address'] },
    ]);
    await request(ledger.server)
      .get('/v1/workspaces/ws-local/webhook')
      .set('Authorization', `Bearer ${owner}`)
      .expect(404);
  });
});
