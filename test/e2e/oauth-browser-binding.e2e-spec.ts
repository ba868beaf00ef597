import request from 'supertest';
import type { EventStore } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/runtime';
import { cookiesSetBy } from '../support/browser-cookies';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import { consentInBrowser } from '../support/platform-servers/browser-consent';

/**
 * Login CSRF against the OAuth callback: an attacker starts a flow in their own workspace and
 * gets a victim to open the authorization URL. The platform sends the victim's browser to our
 * callback with a valid code and state, but without the cookie the attacker's start set.
 */
describe('the OAuth callback is bound to the browser that started the flow', () => {
  let ledger: LedgerTestApp;
  const ATTACKER_WS = 'ws-attacker';
  const RETURN_TO = 'https://app.example.test/integrations/done';
  const api = () => request(ledger.server);
  let attacker: string;

  beforeAll(async () => {
    ledger = await startLedgerApp({
      env: { OAUTH_SUCCESS_REDIRECT_URLS: RETURN_TO, CONNECTION_ATTEMPTS_PER_HOUR: '100' },
    });
    attacker = ledger.token({ [ATTACKER_WS]: 'owner' }, 'attacker-1');
  });
  afterAll(() => ledger.close());

  async function start(body: object = {}) {
    return api()
      .post(`/v1/workspaces/${ATTACKER_WS}/connections/oauth/x`)
      .set('Authorization', `Bearer ${attacker}`)
      .send(body)
      .expect(201);
  }

  /** The victim, signed in at X, consents to the URL the attacker sent. */
  async function victimConsents(authorizationUrl: string, accessToken: string) {
    ledger.platforms.x.api.registerToken(accessToken, {
      id: `victim-${accessToken}`,
      name: 'Victim',
      username: 'victim',
    });
    return (await consentInBrowser(authorizationUrl, { accessToken })).query;
  }

  async function eventCount(): Promise<number> {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    return (await store.readAll({ maxCount: 100_000 })).length;
  }

  it("refuses the victim's browser without the flow's cookie: 403 FORBIDDEN, nothing exchanged, connected or appended", async () => {
    const started = await start();
    const query = await victimConsents(started.body.authorizationUrl, 'x-victim-1');
    const exchanges = (await ledger.platforms.x.oauth.tokenRequests()).length;
    const events = await eventCount();

    const refused = await api().get('/v1/oauth/x/callback').query(query);

    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', platformCode: 'OAUTH_FLOW_NOT_BOUND' });
    expect(refused.body.detail).toMatch(/another browser/);
    // Refused before the code exchange: no token was ever obtained, so none to revoke.
    expect((await ledger.platforms.x.oauth.tokenRequests()).length).toBe(exchanges);
    expect(await eventCount()).toBe(events);
    const list = await api()
      .get(`/v1/workspaces/${ATTACKER_WS}/connections`)
      .set('Authorization', `Bearer ${attacker}`)
      .expect(200);
    expect(list.body).toEqual([]);

    // The flow is dead: not even the attacker's own cookie completes it afterwards.
    const late = await api()
      .get('/v1/oauth/x/callback')
      .set('Cookie', cookiesSetBy(started))
      .query(query);
    expect(late.body.code).toBe('OAUTH_STATE_INVALID');
  });

  it("refuses a cookie from another flow, whether under that flow's name or this one's", async () => {
    const decoy = cookiesSetBy(await start());
    const [, decoyValue] = decoy.split('=');
    for (const cookie of [decoy, (name: string) => `${name}=${decoyValue}`]) {
      const started = await start();
      const [name] = cookiesSetBy(started).split('=');
      const query = await victimConsents(started.body.authorizationUrl, `x-victim-2-${name}`);
      const refused = await api()
        .get('/v1/oauth/x/callback')
        .set('Cookie', typeof cookie === 'string' ? cookie : cookie(name))
        .query(query);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    }
  });

  it('sends a browser-started flow with returnTo back there with result=error and code FORBIDDEN', async () => {
    const started = await start({ returnTo: RETURN_TO });
    const query = await victimConsents(started.body.authorizationUrl, 'x-victim-3');
    const refused = await api().get('/v1/oauth/x/callback').query(query);
    expect(refused.status).toBe(303);
    const location = new URL(refused.headers.location);
    expect(location.origin + location.pathname).toBe(RETURN_TO);
    expect(location.searchParams.get('result')).toBe('error');
    expect(location.searchParams.get('code')).toBe('FORBIDDEN');
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie for 10 minutes, and completes the flow in that browser', async () => {
    const started = await start();
    const [setCookie] = started.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/^ledger-oauth-[\w-]{16}=[\w-]{43}; /);
    expect(setCookie).toMatch(/; Max-Age=600; /);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    // PUBLIC_BASE_URL is plain http here: a Secure cookie would never come back.
    expect(setCookie).not.toMatch(/Secure/);
    const [cookieName] = cookiesSetBy(started).split('=');

    const query = await victimConsents(started.body.authorizationUrl, 'x-own-1');
    const done = await api()
      .get('/v1/oauth/x/callback')
      .set('Cookie', cookiesSetBy(started))
      .query(query);
    expect(done.status).toBe(200);
    expect(done.body.connections).toEqual([
      expect.objectContaining({ workspaceId: ATTACKER_WS, platform: 'x' }),
    ]);
    // The flow is over: the callback clears its cookie.
    expect(String(done.headers['set-cookie'])).toContain(`${cookieName}=;`);
  });

  it('revokes at X the tokens of a flow refused after the exchange (plan limit)', async () => {
    // The free plan's one X account is connected above.
    const started = await start();
    const query = await victimConsents(started.body.authorizationUrl, 'x-over-limit');
    const refused = await api()
      .get('/v1/oauth/x/callback')
      .set('Cookie', cookiesSetBy(started))
      .query(query);
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('PLAN_LIMIT_REACHED');
    const list = await api()
      .get(`/v1/workspaces/${ATTACKER_WS}/connections`)
      .set('Authorization', `Bearer ${attacker}`);
    expect(list.body).toHaveLength(1);
    const revoked = (await ledger.platforms.x.oauth.revocations()).map((r) => r.token);
    expect(revoked).toContain('x-over-limit');
    expect(ledger.logs.text).toMatch(/tokens of a refused x flow \(PLAN_LIMIT_REACHED\): revoked/);
  });

  it('revokes at X the tokens of a flow whose identity could not be read', async () => {
    ledger.platforms.x.api.scriptResponse('x-unreadable', {
      status: 403,
      body: { title: 'Forbidden', status: 403 },
    });
    const started = await start();
    const query = (
      await consentInBrowser(started.body.authorizationUrl, { accessToken: 'x-unreadable' })
    ).query;
    const refused = await api()
      .get('/v1/oauth/x/callback')
      .set('Cookie', cookiesSetBy(started))
      .query(query);
    expect(refused.body.code).toBe('INSUFFICIENT_PERMISSIONS');
    const revoked = (await ledger.platforms.x.oauth.revocations()).map((r) => r.token);
    expect(revoked).toContain('x-unreadable');
  });

  it('revokes an X token refused as connected elsewhere, but never a TikTok grant a live connection shares', async () => {
    const other = ledger.token({ 'ws-elsewhere': 'owner' }, 'other-1');
    const [connected] = (
      await api()
        .get(`/v1/workspaces/${ATTACKER_WS}/connections`)
        .set('Authorization', `Bearer ${attacker}`)
    ).body;
    const x = await ledger.connect('x', 'ws-elsewhere', other, {
      id: connected.accountId,
      name: 'Same',
      username: 'same',
    });
    expect(x.body.code).toBe('ALREADY_CONNECTED_ELSEWHERE');
    // The access token the consent issued (the helper records it last).
    const xToken = ledger.secrets.at(-1);
    const xRevoked = (await ledger.platforms.x.oauth.revocations()).map((r) => r.token);
    expect(xToken).toMatch(/^x-access-/);
    expect(xRevoked).toContain(xToken);

    const account = { open_id: 'tt-shared', display_name: 'Shared', is_business_account: true };
    const first = await ledger.connect('tiktok', ATTACKER_WS, attacker, account);
    expect(first.status).toBe(200);
    const second = await ledger.connect('tiktok', 'ws-elsewhere', other, account);
    expect(second.body.code).toBe('ALREADY_CONNECTED_ELSEWHERE');
    // TikTok's revoke ends the user's whole authorization: the first connection would die.
    expect(ledger.platforms.tiktok.oauth.revocations()).toEqual([]);
    expect(ledger.logs.text).toMatch(/tokens of a refused tiktok flow .*shared_grant/);
  });
});

describe('the binding cookie over https', () => {
  let ledger: LedgerTestApp;
  beforeAll(async () => {
    ledger = await startLedgerApp({ env: { PUBLIC_BASE_URL: 'https://ledger.example.test' } });
  });
  afterAll(() => ledger.close());

  it('is a __Host- cookie: Secure, Path=/, no Domain', async () => {
    const started = await request(ledger.server)
      .post('/v1/workspaces/ws-https/connections/oauth/x')
      .set('Authorization', `Bearer ${ledger.token({ 'ws-https': 'owner' })}`)
      .send({})
      .expect(201);
    const [setCookie] = started.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/^__Host-ledger-oauth-[\w-]{16}=[\w-]{43}; /);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).not.toMatch(/Domain=/i);
  });
});
