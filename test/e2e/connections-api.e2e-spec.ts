import request from 'supertest';
import type { TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)('the connections API, read models in %s', (readModels) => {
  let ledger: LedgerTestApp;
  let owner: string;
  let admin: string;
  let editor: string;
  let auditor: string;
  let first: { id: string; version: number };
  let second: { id: string; version: number };
  const WS = 'ws-api';
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels });
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    admin = ledger.token({ [WS]: 'admin' }, 'admin-1');
    editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');
    await api()
      .put(`/v1/workspaces/${WS}/plan`)
      .set(as(owner))
      .send({ plan: 'starter' })
      .expect(200);
    first = (await ledger.connectX(WS, admin, { id: '2001', name: 'One', username: 'one' })).body
      .connections[0];
    second = (await ledger.connectX(WS, admin, { id: '2002', name: 'Two', username: 'two' })).body
      .connections[0];
  });
  afterAll(() => ledger.close());

  describe('plan', () => {
    it('lets only the owner change it, and shows the new limit on the Integrations page', async () => {
      const refused = await api()
        .put(`/v1/workspaces/${WS}/plan`)
        .set(as(admin))
        .send({ plan: 'enterprise' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN');
      const x = (
        await api().get(`/v1/workspaces/${WS}/integrations`).set(as(auditor)).expect(200)
      ).body.platforms.find((p: { platform: string }) => p.platform === 'x');
      expect(x).toMatchObject({ limit: 3, connected: 2, mainConnectionId: first.id });
    });

    it('refuses an unknown plan or an unknown field, listing each field, and changes nothing', async () => {
      const bad = await api()
        .put(`/v1/workspaces/${WS}/plan`)
        .set(as(owner))
        .send({ plan: 'platinum', discount: 5 });
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'discount',
        'plan',
      ]);
      const page = (await api().get(`/v1/workspaces/${WS}/integrations`).set(as(owner))).body;
      expect(page.plan).toBe('starter');
    });

    it('keeps existing connections after a downgrade but refuses new ones', async () => {
      await api()
        .put(`/v1/workspaces/${WS}/plan`)
        .set(as(owner))
        .send({ plan: 'free' })
        .expect(200);
      const list = await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner)).expect(200);
      expect(list.body).toHaveLength(2);
      const refused = await ledger.connectX(WS, admin, {
        id: '2003',
        name: 'Three',
        username: 'three',
      });
      expect(refused.status).toBe(402);
      expect(refused.body).toMatchObject({ code: 'PLAN_LIMIT_REACHED', plan: 'free', limit: 1 });
      await api()
        .put(`/v1/workspaces/${WS}/plan`)
        .set(as(owner))
        .send({ plan: 'starter' })
        .expect(200);
    });
  });

  describe('main account', () => {
    it('sets a new main and demotes the previous one', async () => {
      const response = await api()
        .post(`/v1/workspaces/${WS}/connections/${second.id}/main`)
        .set(as(admin))
        .expect(200);
      expect(response.body).toMatchObject({ id: second.id, isMain: true });
      expect(response.headers.etag).toBe(`W/"${second.version + 1}"`);
      const previous = await api()
        .get(`/v1/workspaces/${WS}/connections/${first.id}`)
        .set(as(admin))
        .expect(200);
      expect(previous.body.isMain).toBe(false);
      second = response.body;
    });

    it('answers 412 PRECONDITION_FAILED to a stale If-Match and changes nothing', async () => {
      const current = await api()
        .get(`/v1/workspaces/${WS}/connections/${first.id}`)
        .set(as(admin));
      const stale = await api()
        .post(`/v1/workspaces/${WS}/connections/${first.id}/main`)
        .set(as(admin))
        .set('If-Match', 'W/"1"');
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
      const fresh = await api()
        .post(`/v1/workspaces/${WS}/connections/${first.id}/main`)
        .set(as(admin))
        .set('If-Match', current.headers.etag);
      expect(fresh.status).toBe(200);
      expect(fresh.body.isMain).toBe(true);
    });

    it('replays the first answer to a retried POST with the same Idempotency-Key', async () => {
      const mainEvents = async () =>
        (
          await api().get(`/v1/workspaces/${WS}/connections/${second.id}/history`).set(as(auditor))
        ).body.filter((e: { type: string }) => e.type === 'MainAccountSet').length;
      const before = await mainEvents();
      const send = () =>
        api()
          .post(`/v1/workspaces/${WS}/connections/${second.id}/main`)
          .set(as(admin))
          .set('Idempotency-Key', 'main-two-1');
      const original = await send().expect(200);
      const retried = await send().expect(200);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual(original.body);
      expect(await mainEvents()).toBe(before + 1);
    });

    it('refuses editors and auditors, and answers 404 for another workspace’s connection', async () => {
      for (const token of [editor, auditor]) {
        const refused = await api()
          .post(`/v1/workspaces/${WS}/connections/${first.id}/main`)
          .set(as(token));
        expect(refused.status).toBe(403);
      }
      const stranger = ledger.token({ 'ws-elsewhere': 'owner' }, 'stranger');
      const notMine = await api()
        .post(`/v1/workspaces/ws-elsewhere/connections/${first.id}/main`)
        .set(as(stranger));
      expect(notMine.status).toBe(404);
      expect(notMine.body.code).toBe('NOT_FOUND');
      const noRole = await api().get(`/v1/workspaces/${WS}/connections`).set(as(stranger));
      expect(noRole.status).toBe(403);
    });
  });

  describe('listing', () => {
    it('filters by platform, status and expiry window, and refuses malformed filters', async () => {
      const byPlatform = await api()
        .get(`/v1/workspaces/${WS}/connections?platform=x&status=active`)
        .set(as(editor));
      expect(byPlatform.body.map((c: { id: string }) => c.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      const none = await api()
        .get(`/v1/workspaces/${WS}/connections?platform=tiktok`)
        .set(as(editor));
      expect(none.body).toEqual([]);
      // X access tokens live two hours: inside a 7-day window, outside a 30-minute one.
      const soon = await api()
        .get(`/v1/workspaces/${WS}/connections?expiringWithin=7d`)
        .set(as(editor));
      expect(soon.body).toHaveLength(2);
      const later = await api()
        .get(`/v1/workspaces/${WS}/connections?expiringWithin=30m`)
        .set(as(editor));
      expect(later.body).toHaveLength(0);
      const bad = await api()
        .get(`/v1/workspaces/${WS}/connections?expiringWithin=soon&status=gone`)
        .set(as(editor));
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'expiringWithin',
        'status',
      ]);
    });

    it('answers asOf with the list as it stood then', async () => {
      const before = await api()
        .get(`/v1/workspaces/${WS}/connections?asOf=2000-01-01T00:00:00Z`)
        .set(as(auditor));
      expect(before.body).toEqual([]);
      const now = await api()
        .get(`/v1/workspaces/${WS}/connections?asOf=${new Date().toISOString()}`)
        .set(as(auditor));
      expect(now.body.map((c: { id: string }) => c.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
    });
  });

  describe('disconnect', () => {
    it('removes the connection at once, destroys its tokens, keeps its history, and reports what it affected', async () => {
      const report = await api()
        .delete(`/v1/workspaces/${WS}/connections/${first.id}`)
        .set(as(admin))
        .expect(200);
      expect(report.body).toMatchObject({
        connectionId: first.id,
        platform: 'x',
        tokensDestroyed: true,
        scheduledPostsFailed: 0,
        campaignsFlagged: 0,
      });
      const list = await api().get(`/v1/workspaces/${WS}/connections`).set(as(admin));
      expect(list.body.map((c: { id: string }) => c.id)).toEqual([second.id]);
      await api().get(`/v1/workspaces/${WS}/connections/${first.id}`).set(as(admin)).expect(404);
      const history = await api()
        .get(`/v1/workspaces/${WS}/connections/${first.id}/history`)
        .set(as(auditor))
        .expect(200);
      expect(history.body.at(-1)).toMatchObject({
        type: 'ConnectionDisconnected',
        actor: { userId: 'admin-1', role: 'admin' },
      });
      const vault = ledger.app.get<TokenVault>(TOKEN_VAULT);
      expect(await vault.read({ workspaceId: WS, connectionId: first.id })).toBeNull();
      expect(await vault.read({ workspaceId: WS, connectionId: second.id })).toMatchObject({
        accessToken: expect.any(String),
      });
    });

    it('refuses a second disconnect with 404, and lets the account be connected again later', async () => {
      await api().delete(`/v1/workspaces/${WS}/connections/${first.id}`).set(as(admin)).expect(404);
      const again = await ledger.connectX(WS, admin, { id: '2001', name: 'One', username: 'one' });
      expect(again.status).toBe(200);
      expect(again.body.connections[0].id).not.toBe(first.id);
    });
  });

  describe('documentation and health', () => {
    it('serves the OpenAPI document and the health check without a token', async () => {
      const doc = await api().get('/docs-json').expect(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/workspaces/{ws}/integrations',
          '/v1/workspaces/{ws}/connections',
          '/v1/workspaces/{ws}/connections/{id}',
          '/v1/workspaces/{ws}/connections/{id}/main',
          '/v1/workspaces/{ws}/connections/oauth/{platform}',
          '/v1/oauth/{platform}/callback',
          '/v1/workspaces/{ws}/plan',
        ]),
      );
      await api().get('/docs').expect(200);
      expect((await api().get('/health').expect(200)).body.status).toBe('ok');
    });
  });
});
