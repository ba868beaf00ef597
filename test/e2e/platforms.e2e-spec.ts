import request from 'supertest';
import type { TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];
const ADMIN_TASKS = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'];

describe.each(BACKENDS)(
  'connecting every platform through OAuth, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    const api = () => request(ledger.server);
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const pageToken = (name: string) => {
      const value = `EAAPage-${name}-${Math.random().toString(36).slice(2)}`;
      ledger.secrets.push(value);
      return value;
    };
    const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
    });
    afterAll(() => ledger.close());

    describe('Facebook Pages', () => {
      const WS = 'ws-fb';
      let owner: string;
      let selection: {
        id: string;
        accounts: { accountId: string; connectable: boolean; reason: string | null }[];
      };
      let adminPageToken: string;

      beforeAll(async () => {
        owner = ledger.token({ [WS]: 'owner', 'ws-fb-other': 'owner' });
        adminPageToken = pageToken('admin');
        const callback = await ledger.connect('facebook', WS, owner, {
          id: 'fb-user-1',
          name: 'Pat',
          pages: [
            {
              id: 'page-admin',
              name: 'Acme Bakery',
              tasks: ADMIN_TASKS,
              access_token: adminPageToken,
            },
            {
              id: 'page-editor',
              name: 'Acme Events',
              tasks: ['CREATE_CONTENT', 'MODERATE', 'ANALYZE'],
              access_token: pageToken('editor'),
            },
            {
              id: 'page-moderator',
              name: 'Acme Fans',
              tasks: ['MODERATE'],
              access_token: pageToken('moderator'),
            },
          ],
        });
        expect(callback.status).toBe(200);
        selection = callback.body.selection;
      });

      it('offers every Page, only Admin Pages connectable, with the reason for the others', () => {
        expect(selection.accounts).toEqual([
          expect.objectContaining({
            accountId: 'page-admin',
            accountName: 'Acme Bakery',
            accountType: 'page',
            connectable: true,
            reason: null,
          }),
          expect.objectContaining({
            accountId: 'page-editor',
            connectable: false,
            reason: expect.stringMatching(/Editor/),
          }),
          expect.objectContaining({
            accountId: 'page-moderator',
            connectable: false,
            reason: expect.stringMatching(/Moderator/),
          }),
        ]);
      });

      it('refuses a forced Editor Page with INSUFFICIENT_PERMISSIONS and an unknown id with VALIDATION_FAILED, keeping the selection', async () => {
        const forced = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['page-editor'] });
        expect(forced.status).toBe(403);
        expect(forced.body.code).toBe('INSUFFICIENT_PERMISSIONS');
        const unknown = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['nope'] });
        expect(unknown.status).toBe(400);
        expect(unknown.body.errors[0].field).toBe('accountIds');
        const elsewhere = await api()
          .post(`/v1/workspaces/ws-fb-other/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['page-admin'] });
        expect(elsewhere.status).toBe(404);
      });

      it('connects the chosen Admin Page with its own Page token, then the selection is used up', async () => {
        const chosen = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['page-admin'] });
        expect(chosen.status).toBe(200);
        expect(chosen.body.refused).toEqual([]);
        const [connection] = chosen.body.connections;
        expect(connection).toMatchObject({
          platform: 'facebook',
          accountId: 'page-admin',
          accountName: 'Acme Bakery',
          accountType: 'page',
          isMain: true,
          status: 'active',
        });
        const tokens = await vault().read({ workspaceId: WS, connectionId: connection.id });
        expect(tokens?.accessToken).toBe(adminPageToken);
        const again = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['page-admin'] });
        expect(again.status).toBe(404);
      });

      it('reconnects a Page: the same connection comes back', async () => {
        const [connection] = (
          await api().get(`/v1/workspaces/${WS}/connections?platform=facebook`).set(as(owner))
        ).body;
        const reconnected = await ledger.connect(
          'facebook',
          WS,
          owner,
          {
            id: 'fb-user-1',
            name: 'Pat',
            pages: [
              {
                id: 'page-admin',
                name: 'Acme Bakery',
                tasks: ADMIN_TASKS,
                access_token: pageToken('again'),
              },
            ],
          },
          { reconnectConnectionId: connection.id },
        );
        expect(reconnected.status).toBe(200);
        expect(reconnected.body.connections[0]).toMatchObject({
          id: connection.id,
          version: connection.version + 1,
        });
      });
    });

    describe('a selection meets the plan limit and the one-workspace rule account by account', () => {
      it('connects what fits and lists what the workspace refused', async () => {
        const WS = 'ws-fb-limit';
        const owner = ledger.token({ [WS]: 'owner' });
        const callback = await ledger.connect('facebook', WS, owner, {
          id: 'fb-user-2',
          name: 'Sam',
          pages: [
            { id: 'page-one', name: 'One', tasks: ADMIN_TASKS, access_token: pageToken('one') },
            { id: 'page-two', name: 'Two', tasks: ADMIN_TASKS, access_token: pageToken('two') },
            // Already connected in ws-fb by the first test: refused as connected elsewhere.
            {
              id: 'page-admin',
              name: 'Acme Bakery',
              tasks: ADMIN_TASKS,
              access_token: pageToken('dup'),
            },
          ],
        });
        const { selection } = callback.body;
        const chosen = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: ['page-admin', 'page-one', 'page-two'] });
        expect(chosen.status).toBe(200);
        expect(chosen.body.connections.map((c: { accountId: string }) => c.accountId)).toEqual([
          'page-one',
        ]);
        expect(chosen.body.refused).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              accountId: 'page-admin',
              code: 'ALREADY_CONNECTED_ELSEWHERE',
            }),
            expect.objectContaining({ accountId: 'page-two', code: 'PLAN_LIMIT_REACHED' }),
          ]),
        );
        expect(chosen.body.refused).toHaveLength(2);
      });
    });

    describe('Instagram and Threads', () => {
      const WS = 'ws-ig';
      let owner: string;
      beforeAll(() => {
        owner = ledger.token({ [WS]: 'owner' });
      });

      it('refuses a personal Instagram account with ACCOUNT_TYPE_NOT_SUPPORTED', async () => {
        const refused = await ledger.connect('instagram', WS, owner, {
          user_id: '17841400000000001',
          username: 'just_me',
          account_type: 'PERSONAL',
        });
        expect(refused.status).toBe(422);
        expect(refused.body.code).toBe('ACCOUNT_TYPE_NOT_SUPPORTED');
        expect(refused.body.detail).toMatch(/Business or Creator/);
      });

      it('refuses Threads until its Instagram account is connected here', async () => {
        const refused = await ledger.connect('threads', WS, owner, {
          id: '9001',
          username: 'acme.studio',
        });
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('LINKED_ACCOUNT_REQUIRED');
      });

      it('connects a creator account, then its Threads profile linked to it', async () => {
        const ig = await ledger.connect('instagram', WS, owner, {
          user_id: '17841400000000002',
          username: 'acme.studio',
          account_type: 'MEDIA_CREATOR',
        });
        expect(ig.status).toBe(200);
        expect(ig.body.connections[0]).toMatchObject({
          platform: 'instagram',
          accountType: 'creator',
          accountName: 'acme.studio',
        });
        const threads = await ledger.connect('threads', WS, owner, {
          id: '9001',
          username: 'acme.studio',
        });
        expect(threads.status).toBe(200);
        expect(threads.body.connections[0]).toMatchObject({
          platform: 'threads',
          accountName: 'acme.studio',
        });
      });

      it('disconnecting the Instagram connection disconnects its Threads, recorded as caused by it', async () => {
        const list = (await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body as {
          id: string;
          platform: string;
        }[];
        const ig = list.find((c) => c.platform === 'instagram')!;
        const th = list.find((c) => c.platform === 'threads')!;
        const report = await api()
          .delete(`/v1/workspaces/${WS}/connections/${ig.id}`)
          .set(as(owner))
          .expect(200);
        expect(report.body.alsoDisconnected).toEqual([
          expect.objectContaining({ connectionId: th.id, platform: 'threads' }),
        ]);
        expect((await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body).toEqual(
          [],
        );
        const history = (
          await api().get(`/v1/workspaces/${WS}/connections/${th.id}/history`).set(as(owner))
        ).body;
        const igHistory = (
          await api().get(`/v1/workspaces/${WS}/connections/${ig.id}/history`).set(as(owner))
        ).body;
        const last = history.at(-1);
        expect(last).toMatchObject({
          type: 'ConnectionDisconnected',
          data: { causedByConnectionId: ig.id },
        });
        expect(last.causationId).toBe(igHistory.at(-1).eventId);
        expect(await vault().read({ workspaceId: WS, connectionId: th.id })).toBeNull();
      });
    });

    describe('TikTok', () => {
      const WS = 'ws-tt';
      it('connects a business account and refuses a personal one with ACCOUNT_TYPE_NOT_SUPPORTED', async () => {
        const owner = ledger.token({ [WS]: 'owner', 'ws-tt-2': 'owner' });
        const personal = await ledger.connect('tiktok', 'ws-tt-2', owner, {
          open_id: 'tt-open-personal',
          display_name: 'Me',
          username: 'me',
          is_business_account: false,
        });
        expect(personal.status).toBe(422);
        expect(personal.body.code).toBe('ACCOUNT_TYPE_NOT_SUPPORTED');
        const business = await ledger.connect('tiktok', WS, owner, {
          open_id: 'tt-open-biz',
          display_name: 'Acme',
          username: 'acme',
          is_business_account: true,
        });
        expect(business.status).toBe(200);
        const [connection] = business.body.connections;
        expect(connection).toMatchObject({ platform: 'tiktok', accountType: 'business' });
        const tokens = await vault().read({ workspaceId: WS, connectionId: connection.id });
        expect(tokens?.refreshExpiresAt).not.toBeNull();
      });
    });

    describe('LinkedIn', () => {
      const WS = 'ws-li';
      it('offers the profile and every administered company page in one selection; both may be connected', async () => {
        const owner = ledger.token({ [WS]: 'owner' });
        await api()
          .put(`/v1/workspaces/${WS}/plan`)
          .set(as(owner))
          .send({ plan: 'starter' })
          .expect(200);
        ledger.platforms.linkedin.api.registerOrganization({
          id: 4242,
          localizedName: 'Acme Corp',
        });
        const callback = await ledger.connect('linkedin', WS, owner, {
          userinfo: { sub: 'li-member-1', name: 'Pat Doe' },
          roles: [{ organizationId: 4242, role: 'ADMINISTRATOR' }],
        });
        expect(callback.status).toBe(200);
        const { selection } = callback.body;
        expect(
          selection.accounts.map((a: { accountType: string }) => a.accountType).sort(),
        ).toEqual(['company', 'personal']);
        const chosen = await api()
          .post(`/v1/workspaces/${WS}/connections/selections/${selection.id}`)
          .set(as(owner))
          .send({ accountIds: selection.accounts.map((a: { accountId: string }) => a.accountId) });
        expect(chosen.status).toBe(200);
        expect(chosen.body.connections).toHaveLength(2);
        expect(chosen.body.connections.filter((c: { isMain: boolean }) => c.isMain)).toHaveLength(
          1,
        );
      });
    });

    describe('copy to workspace', () => {
      it('copies an X connection into another workspace with its own token, through OAuth only', async () => {
        const both = ledger.token({ 'ws-copy-a': 'admin', 'ws-copy-b': 'owner' }, 'copier');
        const onlyA = ledger.token({ 'ws-copy-a': 'admin', 'ws-copy-b': 'editor' }, 'editor-in-b');
        const user = { id: '777', name: 'Copy Me', username: 'copyme' };
        const source = (await ledger.connectX('ws-copy-a', both, user)).body.connections[0];

        const direct = await ledger.connectX('ws-copy-b', both, user);
        expect(direct.status).toBe(409);
        expect(direct.body.code).toBe('ALREADY_CONNECTED_ELSEWHERE');

        const forbidden = await api()
          .post(`/v1/workspaces/ws-copy-a/connections/${source.id}/copy`)
          .set(as(onlyA))
          .send({ targetWorkspaceId: 'ws-copy-b' });
        expect(forbidden.status).toBe(403);

        const copied = await ledger.connect(
          'x',
          'ws-copy-a',
          both,
          user,
          { targetWorkspaceId: 'ws-copy-b' },
          `/v1/workspaces/ws-copy-a/connections/${source.id}/copy`,
        );
        expect(copied.status).toBe(200);
        const copy = copied.body.connections[0];
        expect(copy).toMatchObject({
          workspaceId: 'ws-copy-b',
          accountId: '777',
          copiedFrom: { workspaceId: 'ws-copy-a', connectionId: source.id },
        });
        const [a, b] = await Promise.all([
          vault().read({ workspaceId: 'ws-copy-a', connectionId: source.id }),
          vault().read({ workspaceId: 'ws-copy-b', connectionId: copy.id }),
        ]);
        expect(a?.accessToken).toBeDefined();
        expect(b?.accessToken).not.toBe(a?.accessToken);

        // Independent from then on: disconnecting the source leaves the copy.
        await api()
          .delete(`/v1/workspaces/ws-copy-a/connections/${source.id}`)
          .set(as(both))
          .expect(200);
        await api()
          .get(`/v1/workspaces/ws-copy-b/connections/${copy.id}`)
          .set(as(both))
          .expect(200);
      });
    });

    describe('security of the OAuth callback', () => {
      const WS = 'ws-sec';
      it("refuses a state from another platform's flow, and a forged state", async () => {
        const owner = ledger.token({ [WS]: 'owner' });
        const started = await api()
          .post(`/v1/workspaces/${WS}/connections/oauth/x`)
          .set(as(owner))
          .send({})
          .expect(201);
        const state = new URL(started.body.authorizationUrl).searchParams.get('state');
        const mixUp = await api().get('/v1/oauth/facebook/callback').query({ code: 'abc', state });
        expect(mixUp.status).toBe(400);
        expect(mixUp.body.code).toBe('OAUTH_STATE_INVALID');
        const forged = await api()
          .get('/v1/oauth/x/callback')
          .query({ code: 'abc', state: 'A'.repeat(43) });
        expect(forged.status).toBe(400);
        expect(forged.body.code).toBe('OAUTH_STATE_INVALID');
      });

      it('redirects after OAuth only to a configured URL', async () => {
        const owner = ledger.token({ [WS]: 'owner' });
        const refused = await api()
          .post(`/v1/workspaces/${WS}/connections/oauth/x`)
          .set(as(owner))
          .send({ returnTo: 'https://evil.example/steal' });
        expect(refused.status).toBe(400);
        expect(refused.body.errors[0].field).toBe('returnTo');
      });
    });

    it('never writes a token or a client secret to the logs', () => {
      for (const secret of ledger.secrets) expect(ledger.logs.text).not.toContain(secret);
    });
  },
);
