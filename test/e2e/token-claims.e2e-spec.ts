import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { signTestToken } from '../support/jwt';
import { JWT_SECRET, startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

/**
 * Bearer tokens must expire, within JWT_MAX_LIFETIME_SECONDS, and name the configured audience
 * and issuer: every other token gets 401 problem+json that never echoes it.
 */
describe('access tokens over HTTP: exp, lifetime, aud and iss', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-token-claims';
  const AUD = 'connection-ledger-api';
  const ISS = 'https://idp.example.com/';
  const claims = { sub: 'user-1', workspaces: { [WS]: 'owner' } };
  const now = () => Math.floor(Date.now() / 1000);
  const list = (token: string) =>
    request(ledger.server)
      .get(`/v1/workspaces/${WS}/connections`)
      .set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    ledger = await startLedgerApp({
      env: { JWT_AUDIENCE: AUD, JWT_ISSUER: ISS, JWT_MAX_LIFETIME_SECONDS: '3600' },
    });
  });
  afterAll(() => ledger.close());

  it('serves a token that expires in time, for this audience, from this issuer', async () => {
    const token = signTestToken({ ...claims, aud: AUD, iss: ISS }, JWT_SECRET, { expiresIn: 3600 });
    expect((await list(token)).status).toBe(200);
  });

  it.each([
    ['no exp', () => sign({ ...claims, aud: AUD, iss: ISS }, JWT_SECRET)],
    [
      'a lifetime over JWT_MAX_LIFETIME_SECONDS',
      () => signTestToken({ ...claims, aud: AUD, iss: ISS }, JWT_SECRET, { expiresIn: 3601 }),
    ],
    [
      'expired',
      () => signTestToken({ ...claims, aud: AUD, iss: ISS }, JWT_SECRET, { expiresIn: -10 }),
    ],
    [
      'another audience',
      () => signTestToken({ ...claims, aud: 'billing-api', iss: ISS }, JWT_SECRET),
    ],
    [
      'another issuer',
      () => signTestToken({ ...claims, aud: AUD, iss: 'https://other.example/' }, JWT_SECRET),
    ],
    [
      'no iat and exp a day away',
      () =>
        sign({ ...claims, aud: AUD, iss: ISS, exp: now() + 86_400 }, JWT_SECRET, {
          noTimestamp: true,
        }),
    ],
  ])('refuses %s: 401 UNAUTHENTICATED, the token echoed nowhere', async (_what, makeToken) => {
    const token = makeToken();
    const res = await list(token);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.text).not.toContain(token);
    expect(JSON.stringify(res.headers)).not.toContain(token);
    expect(ledger.logs.text).not.toContain(token);
  });
});
