import request from 'supertest';
import type { TokenVault } from '@ledger/token-vault';
import { selectionTokenRef, TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';
import { consentInBrowser } from '../support/platform-servers/browser-consent';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];
const ADMIN_TASKS = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'];

/**
 * A breach leaves nothing half-open: OAuth flows started before it cannot connect an account
 * after it, a selection awaiting a choice dies with its sealed tokens, and the webhook's
 * signing secret (perhaps leaked too) signs nothing more.
 */
describe.each(BACKENDS)(
  'breach response cancels what is pending, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    const WS = 'ws-breach-pending';
    const api = () => request(ledger.server);
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
    });
    afterAll(() => ledger.close());

    it('cancels pending OAuth flows and selections (tokens shredded) and removes the webhook, and says so', async () => {
      const owner = ledger.token({ [WS]: 'owner' }, 'owner-pending');
      // An X flow started but not finished: the user is still on X's consent screen.
      const started = await api()
        .post(`/v1/workspaces/${WS}/connections/oauth/x`)
        .set(as(owner))
        .send({})
        .expect(201);
      // A Facebook consent that came back with Pages to choose from, not chosen yet.
      const pageToken = `EAAPage-pending-${Math.random().toString(36).slice(2)}`;
      ledger.secrets.push(pageToken);
      const fb = await ledger.connect('facebook', WS, owner, {
        id: 'fb-user-pending',
        name: 'Pat',
        pages: [
          { id: '5566778899', name: 'Acme Page', tasks: ADMIN_TASKS, access_token: pageToken },
        ],
      });
      const selection = fb.body.selection as { id: string };
      expect(selection).toBeDefined();
      const sealed = { id: selection.id, workspaceId: WS };
      expect(await vault().read(selectionTokenRef(sealed))).not.toBeNull();
      expect(await vault().read(selectionTokenRef(sealed, '5566778899'))).not.toBeNull();
      await api()
        .put(`/v1/workspaces/${WS}/webhook`)
        .set(as(owner))
        .send({ url: 'https://hooks.example.com/ledger' })
        .expect(200);

      const report = (
        await api()
          .post(`/v1/workspaces/${WS}/breach-response`)
          .set(as(owner))
          .send({ reason: 'token dump found' })
          .expect(200)
      ).body;

      expect(report).toMatchObject({
        anythingCut: false,
        pendingAuthorizationsCancelled: 1,
        selectionsCancelled: 1,
        webhookRemoved: true,
        // The selection's two sealed records (the user's token and one account's).
        tokenRecordsDestroyed: 2,
        tokensDestroyed: 2,
      });
      expect(report.summary).toMatch(
        /1 pending OAuth flow\(s\) and 1 pending selection\(s\) cancelled, webhook removed/,
      );
      // The selection is gone with its sealed tokens.
      expect(await vault().read(selectionTokenRef(sealed))).toBeNull();
      expect(await vault().read(selectionTokenRef(sealed, '5566778899'))).toBeNull();
      const chosen = await api()
        .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
        .set(as(owner))
        .send({ accountIds: ['5566778899'] });
      expect(chosen.status).toBe(404);
      expect(chosen.body.code).toBe('NOT_FOUND');
      // The flow started before the breach cannot connect anything after it.
      const accessToken = `x-access-late-${Math.random().toString(36).slice(2)}`;
      ledger.secrets.push(accessToken);
      ledger.platforms.register('x', accessToken, { id: '8801', name: 'Late', username: 'late' });
      const consent = await consentInBrowser(started.body.authorizationUrl, { accessToken });
      const late = await api().get('/v1/oauth/x/callback').query(consent.query);
      expect(late.status).toBeGreaterThanOrEqual(400);
      expect(late.status).toBeLessThan(500);
      expect((await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body).toEqual([]);
      // No webhook any more: setting it again is how the workspace gets a fresh secret.
      const hook = await api().get(`/v1/workspaces/${WS}/webhook`).set(as(owner));
      expect(hook.status).toBe(404);

      const text = JSON.stringify(report);
      for (const secret of ledger.secrets) {
        expect(text).not.toContain(secret);
        expect(ledger.logs.text).not.toContain(secret);
      }
    });
  },
);
