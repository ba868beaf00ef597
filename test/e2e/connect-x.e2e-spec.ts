import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  accountClaimStream,
  UNCONFIRMED_CLAIM_GRACE_MS,
  type AccountClaimed,
} from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';
import { cookiesSetBy } from '../support/browser-cookies';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)(
  'connecting an X account through OAuth, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let owner: string;

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      owner = ledger.token({ 'ws-x': 'owner' });
    });
    afterAll(() => ledger.close());

    it('answers an authorization URL with state and PKCE, then connects the account on the callback', async () => {
      const started = await request(ledger.server)
        .post('/v1/workspaces/ws-x/connections/oauth/x')
        .set('Authorization', `Bearer ${owner}`)
        .send({})
        .expect(201);
      const url = new URL(started.body.authorizationUrl);
      expect(url.origin + url.pathname).toBe(ledger.platforms.x.oauth.authorizationUrl);
      expect(url.searchParams.get('redirect_uri')).toBe(
        'http://127.0.0.1:3999/v1/oauth/x/callback',
      );
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('scope')).toContain('offline.access');
      expect(Buffer.from(url.searchParams.get('state') ?? '', 'base64url')).toHaveLength(32);

      const callback = await ledger.connectX('ws-x', owner, {
        id: '1001',
        name: 'Acme Marketing',
        username: 'acme',
        verified_type: 'blue',
      });
      expect(callback.status).toBe(200);
      expect(callback.body.connections).toEqual([
        expect.objectContaining({
          workspaceId: 'ws-x',
          platform: 'x',
          accountId: '1001',
          accountName: 'acme',
          accountType: 'premium',
          status: 'active',
          statusReason: null,
          isMain: true,
          copiedFrom: null,
          version: 2,
        }),
      ]);
      const connection = callback.body.connections[0];
      expect(
        Date.parse(connection.tokenExpiresAt) - Date.parse(connection.connectedAt),
      ).toBeGreaterThan(7000_000);

      const integrations = await request(ledger.server)
        .get('/v1/workspaces/ws-x/integrations')
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(integrations.body.plan).toBe('free');
      expect(
        integrations.body.platforms.find((p: { platform: string }) => p.platform === 'x'),
      ).toEqual({
        platform: 'x',
        limit: 1,
        connected: 1,
        mainConnectionId: connection.id,
        health: { active: 1, error: 0, expired: 0 },
      });

      const one = await request(ledger.server)
        .get(`/v1/workspaces/ws-x/connections/${connection.id}`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(one.headers.etag).toBe('W/"2"');
      expect(one.body).toEqual(connection);

      const history = await request(ledger.server)
        .get(`/v1/workspaces/ws-x/connections/${connection.id}/history`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200);
      expect(history.body.map((e: { type: string }) => e.type)).toEqual([
        'ConnectionConnected',
        'MainAccountSet',
      ]);
      expect(history.body[0].actor).toMatchObject({ userId: 'user-1', role: 'owner' });
    });

    it('refuses a second X account on the free plan with PLAN_LIMIT_REACHED and an upgrade hint', async () => {
      const refused = await ledger.connectX('ws-x', owner, {
        id: '1002',
        name: 'Second',
        username: 'second',
      });
      expect(refused.status).toBe(402);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        code: 'PLAN_LIMIT_REACHED',
        plan: 'free',
        limit: 1,
        platform: 'x',
      });
      expect(refused.body.detail).toMatch(/upgrade/i);
    });

    it('refuses the same X account in another workspace with ALREADY_CONNECTED_ELSEWHERE', async () => {
      const other = ledger.token({ 'ws-other': 'admin' }, 'user-2');
      const refused = await ledger.connectX('ws-other', other, {
        id: '1001',
        name: 'Acme Marketing',
        username: 'acme',
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('ALREADY_CONNECTED_ELSEWHERE');
      const list = await request(ledger.server)
        .get('/v1/workspaces/ws-other/connections')
        .set('Authorization', `Bearer ${other}`)
        .expect(200);
      expect(list.body).toEqual([]);
    });

    it('a claim left behind by a connect that died blocks other workspaces only during the grace period', async () => {
      // What a process that crashed between claiming and connecting leaves: a claim, no connection.
      const leaveClaim = async (accountId: string, at: Date) => {
        const store = ledger.app.get<EventStore>(EVENT_STORE);
        const claim: AccountClaimed = {
          type: 'AccountClaimed',
          data: {
            platform: 'x',
            accountId,
            workspaceId: 'ws-crashed',
            connectionId: `never-connected-${accountId}`,
            via: 'oauth',
            at: at.toISOString(),
          },
        };
        const metadata = {
          actor: { userId: 'crashed', role: 'owner', ip: null, userAgent: null },
          correlationId: randomUUID(),
          causationId: null,
          schemaVersion: 1,
        };
        await store.append<AccountClaimed>(
          accountClaimStream('x', accountId),
          [{ ...claim, id: randomUUID(), metadata }],
          'no_stream',
        );
      };
      const user = ledger.token({ 'ws-after-crash': 'owner' }, 'user-3');
      await leaveClaim('3001', new Date());
      const fresh = await ledger.connectX('ws-after-crash', user, {
        id: '3001',
        name: 'In flight',
        username: 'inflight',
      });
      expect(fresh.status).toBe(409);
      expect(fresh.body.code).toBe('ALREADY_CONNECTED_ELSEWHERE');

      await leaveClaim('3002', new Date(Date.now() - UNCONFIRMED_CLAIM_GRACE_MS - 60_000));
      const stale = await ledger.connectX('ws-after-crash', user, {
        id: '3002',
        name: 'Left behind',
        username: 'leftbehind',
      });
      expect(stale.status).toBe(200);
      expect(stale.body.connections[0]).toMatchObject({ platform: 'x', accountId: '3002' });
    });

    it('reconnects the same connection, and refuses when another account comes back', async () => {
      const [connection] = (
        await request(ledger.server)
          .get('/v1/workspaces/ws-x/connections')
          .set('Authorization', `Bearer ${owner}`)
      ).body;
      const mismatch = await ledger.connectX(
        'ws-x',
        owner,
        { id: '9999', name: 'Someone else', username: 'else' },
        { reconnectConnectionId: connection.id },
      );
      expect(mismatch.status).toBe(409);
      expect(mismatch.body.code).toBe('RECONNECT_ACCOUNT_MISMATCH');

      const restored = await ledger.connectX(
        'ws-x',
        owner,
        { id: '1001', name: 'Acme Renamed', username: 'acme_renamed' },
        { reconnectConnectionId: connection.id },
      );
      expect(restored.status).toBe(200);
      expect(restored.body.connections[0]).toMatchObject({
        id: connection.id,
        accountName: 'acme_renamed',
        status: 'active',
        version: connection.version + 1,
      });
    });

    it('refuses a replayed callback: the state is single use', async () => {
      const started = await request(ledger.server)
        .post('/v1/workspaces/ws-x/connections/oauth/x')
        .set('Authorization', `Bearer ${owner}`)
        .send({})
        .expect(201);
      const { consentInBrowser } = await import('../support/platform-servers');
      const consent = await consentInBrowser(started.body.authorizationUrl, {
        accessToken: 'x-replayed',
      });
      ledger.platforms.x.api.registerToken('x-replayed', {
        id: '1003',
        name: 'Third',
        username: 'third',
      });
      const cookie = cookiesSetBy(started);
      await request(ledger.server)
        .get('/v1/oauth/x/callback')
        .set('Cookie', cookie)
        .query(consent.query);
      const replay = await request(ledger.server)
        .get('/v1/oauth/x/callback')
        .set('Cookie', cookie)
        .query(consent.query);
      expect(replay.status).toBe(400);
      expect(replay.headers['content-type']).toContain('application/problem+json');
      expect(replay.body.code).toBe('OAUTH_STATE_INVALID');
    });

    it('never writes a token, the client secret or the encryption key to logs or any store file', async () => {
      // Every SQLite file under DATA_DIR (events, read models, vault, OAuth state, idempotency),
      // write-ahead logs included; the vault holds ciphertext only.
      const files = readdirSync(ledger.dataDir).map((name) => join(ledger.dataDir, name));
      const stored = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
      expect(stored).toContain('ConnectionConnected');
      expect(ledger.secrets.length).toBeGreaterThan(3);
      for (const secret of ledger.secrets) {
        expect(ledger.logs.text).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
    });
  },
);
