import request from 'supertest';
import { consentInBrowser } from '../support/platform-servers/browser-consent';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import { cookiesSetBy } from '../support/browser-cookies';

describe('OAuth troubleshooting, the attempt limit and where the browser goes afterwards', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-trouble';
  const RETURN_TO = 'https://app.example.test/integrations/done';
  const api = () => request(ledger.server);
  let owner: string;

  beforeAll(async () => {
    ledger = await startLedgerApp({
      env: { CONNECTION_ATTEMPTS_PER_HOUR: '6', OAUTH_SUCCESS_REDIRECT_URLS: RETURN_TO },
    });
    owner = ledger.token({ [WS]: 'owner', 'ws-other': 'owner' }, 'owner-1');
  });
  afterAll(() => ledger.close());

  /**
   * Start, consent as `accessToken`, then the callback from the starting browser (its binding
   * cookie), optionally relayed with a bearer token instead.
   */
  async function flow(
    accessToken: string,
    options: { deny?: boolean; bearer?: string; body?: object } = {},
  ) {
    const started = await api()
      .post(`/v1/workspaces/${WS}/connections/oauth/x`)
      .set('Authorization', `Bearer ${owner}`)
      .send(options.body ?? {})
      .expect(201);
    const consent = await consentInBrowser(started.body.authorizationUrl, {
      accessToken,
      deny: options.deny,
    });
    const callback = api().get('/v1/oauth/x/callback').query(consent.query);
    return options.bearer
      ? callback.set('Authorization', `Bearer ${options.bearer}`)
      : callback.set('Cookie', cookiesSetBy(started));
  }

  it('tells the user to check their permissions when X answers 403', async () => {
    ledger.platforms.x.api.scriptResponse('x-forbidden', {
      status: 403,
      body: { title: 'Forbidden', status: 403 },
    });
    const response = await flow('x-forbidden');
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', platform: 'x' });
    expect(response.body.detail).toMatch(/permission/i);
  });

  it("reports X's own rate limit as a platform fault to wait out, distinct from ours", async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    ledger.platforms.x.api.scriptResponse('x-limited', {
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      body: { title: 'Too Many Requests', status: 429 },
    });
    const response = await flow('x-limited');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(60);
    expect(response.body.detail).toMatch(/wait and retry/i);
  });

  it('says so when the user declines at the platform', async () => {
    const response = await flow('x-declined', { deny: true });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('OAUTH_ACCESS_DENIED');
  });

  it('refuses a callback relayed by another user than the one who started the flow', async () => {
    ledger.platforms.x.api.registerToken('x-csrf', {
      id: '3101',
      name: 'Victim',
      username: 'victim',
    });
    const intruder = ledger.token({ [WS]: 'admin' }, 'someone-else');
    const response = await flow('x-csrf', { bearer: intruder });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
    const list = await api()
      .get(`/v1/workspaces/${WS}/connections`)
      .set('Authorization', `Bearer ${owner}`);
    expect(list.body).toEqual([]);
  });

  it('sends the browser back to a configured URL with the outcome', async () => {
    ledger.platforms.x.api.registerToken('x-return', {
      id: '3102',
      name: 'Back',
      username: 'back',
      verified_type: 'business',
    });
    const response = await flow('x-return', { body: { returnTo: RETURN_TO }, bearer: owner });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.location);
    expect(location.origin + location.pathname).toBe(RETURN_TO);
    expect(location.searchParams.get('result')).toBe('connected');
    const id = location.searchParams.get('connectionIds');
    const connection = await api()
      .get(`/v1/workspaces/${WS}/connections/${id}`)
      .set('Authorization', `Bearer ${owner}`)
      .expect(200);
    expect(connection.body).toMatchObject({ accountType: 'business', postLengthLimit: 25_000 });
  });

  it('refuses the attempt past CONNECTION_ATTEMPTS_PER_HOUR with 429 and Retry-After, per user and workspace', async () => {
    // Five attempts so far in this workspace, limit six.
    await api()
      .post(`/v1/workspaces/${WS}/connections/oauth/x`)
      .set('Authorization', `Bearer ${owner}`)
      .send({})
      .expect(201);
    const refused = await api()
      .post(`/v1/workspaces/${WS}/connections/oauth/x`)
      .set('Authorization', `Bearer ${owner}`)
      .send({});
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    await api()
      .post('/v1/workspaces/ws-other/connections/oauth/x')
      .set('Authorization', `Bearer ${owner}`)
      .send({})
      .expect(201);
  });
});

describe('TikTok restricted regions (TIKTOK_RESTRICTED_REGIONS)', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-regions';
  beforeAll(async () => {
    ledger = await startLedgerApp({ env: { TIKTOK_RESTRICTED_REGIONS: 'IN,XK' } });
  });
  afterAll(() => ledger.close());
  const start = (body: object) =>
    request(ledger.server)
      .post(`/v1/workspaces/${WS}/connections/oauth/tiktok`)
      .set('Authorization', `Bearer ${ledger.token({ [WS]: 'owner' })}`)
      .send(body);

  it('refuses an account in a restricted region with 422 and the reason, before going to TikTok', async () => {
    const refused = await start({ region: 'in' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_TYPE_NOT_SUPPORTED', region: 'IN' });
    expect(refused.body.detail).toMatch(/region IN .*restricted/);
  });

  it('asks for the region, which TikTok does not tell, and lets other regions through', async () => {
    const missing = await start({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('region');
    const allowed = await start({ region: 'US' });
    expect(allowed.status).toBe(201);
    expect(allowed.body.authorizationUrl).toContain('client_key=');
  });
});
