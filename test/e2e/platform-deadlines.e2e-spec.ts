import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import {
  HUGE_BODY_MARKER,
  startMisbehavingServer,
  type MisbehavingServer,
} from '../support/platform-servers/misbehaving-server';

/**
 * Every outbound platform call has a deadline and a body limit (PLATFORM_HTTP_TIMEOUT_MS,
 * PLATFORM_HTTP_MAX_BODY_BYTES, set short here): a token endpoint or an API that accepts and
 * never answers, or answers without end, gets the callback a problem, not a hang.
 */
describe('deadlines and body limits on platform calls, seen from the OAuth callback', () => {
  let ledger: LedgerTestApp;
  let tokenEndpoint: MisbehavingServer;
  let api: MisbehavingServer;
  const WS = 'ws-deadlines';
  let owner: string;

  beforeAll(async () => {
    tokenEndpoint = await startMisbehavingServer();
    api = await startMisbehavingServer();
    ledger = await startLedgerApp({
      env: {
        PLATFORM_HTTP_TIMEOUT_MS: '300',
        PLATFORM_HTTP_MAX_BODY_BYTES: '65536',
        CONNECTION_ATTEMPTS_PER_HOUR: '100',
        // X's code exchange and TikTok's API calls go to the misbehaving servers.
        X_TOKEN_URL: `${tokenEndpoint.baseUrl}/2/oauth2/token`,
        TIKTOK_API_URL: api.baseUrl,
        TIKTOK_BUSINESS_API_URL: api.baseUrl,
      },
    });
    owner = ledger.token({ [WS]: 'owner' });
  });
  afterAll(async () => {
    await ledger.close();
    await Promise.all([tokenEndpoint.stop(), api.stop()]);
  });

  function expectUnavailable(response: request.Response, platform: string, reason: RegExp) {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      platform,
      transient: true,
    });
    expect(response.body.detail).toMatch(reason);
    expect(JSON.stringify(response.body)).not.toContain(HUGE_BODY_MARKER);
  }

  const connectX = () =>
    ledger.connect('x', WS, owner, { id: '7001', name: 'Deadline', username: 'deadline' });
  const connectTikTok = () =>
    ledger.connect('tiktok', WS, owner, {
      open_id: 'tt-deadline',
      display_name: 'Deadline',
      username: 'deadline',
      is_business_account: true,
    });

  it('answers 503 when the token endpoint accepts and never answers, and closes the connection', async () => {
    tokenEndpoint.mode = 'hang';
    const before = tokenEndpoint.requests;
    const response = await connectX();
    expect(tokenEndpoint.requests).toBe(before + 1);
    expectUnavailable(response, 'x', /token endpoint did not answer in time/);
    await tokenEndpoint.allClosed(3000);
  });

  it('answers 503 when the token endpoint answers without end, reading none of it into the problem', async () => {
    tokenEndpoint.mode = 'huge';
    for (const declareLength of [false, true]) {
      tokenEndpoint.declareLength = declareLength;
      const response = await connectX();
      expectUnavailable(response, 'x', /token endpoint answered more than 65536 bytes/);
      await tokenEndpoint.allClosed(3000);
    }
  });

  it('answers 503 when the platform API accepts and never answers, and closes the connection', async () => {
    api.mode = 'hang';
    const response = await connectTikTok();
    expectUnavailable(response, 'tiktok', /TikTok API did not answer in time/);
    await api.allClosed(3000);
  });

  it('answers 503 when the platform API answers without end', async () => {
    api.mode = 'huge';
    api.declareLength = false;
    const response = await connectTikTok();
    expectUnavailable(response, 'tiktok', /TikTok API answered more than 65536 bytes/);
    await api.allClosed(3000);
    expect(ledger.logs.text).not.toContain(HUGE_BODY_MARKER);
  });
});
