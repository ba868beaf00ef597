import { inspect } from 'node:util';
import type { ConnectionTokens } from '@ledger/token-vault';
import {
  startFacebookGraphServer,
  type FacebookGraphServer,
} from '@ledger/testing/platform-servers/graph-api-server';
import { PlatformApiError } from '../errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError } from '../refresh/token-refresher';
import { facebookTokenRefresher } from './facebook-refresh';

const CLIENT_ID = '1234567890';
const CLIENT_SECRET = 'facebook-refresh-app-secret-99';
const DAY = 24 * 3600_000;
const NOW = new Date('2026-11-02T10:00:00.000Z');

let graph: FacebookGraphServer;
const user = { id: '10150000000000001', name: 'Ada', pages: [] };

beforeAll(async () => {
  graph = await startFacebookGraphServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    longLivedExpiresIn: 5_000_000,
  });
});
afterAll(() => graph.stop());

const refresher = () =>
  facebookTokenRefresher({
    apiUrl: graph.apiUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  });

describe('Facebook token refresh', () => {
  it('has nothing to refresh for a Page token: Page tokens do not expire', async () => {
    const page: ConnectionTokens = {
      accessToken: 'EAAB-page-token-secret',
      refreshToken: null,
      scopes: ['pages_manage_posts'],
      expiresAt: null,
      refreshExpiresAt: null,
    };
    expect(refresher().plan(page, NOW)).toEqual({
      kind: 'no-refresh',
      refreshAt: null,
      reason: 'Facebook Page tokens do not expire: there is nothing to refresh.',
      expiresAt: null,
    });
    const before = graph.exchanges.length;
    const error = await refresher()
      .refresh(page, NOW)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshNotDueError);
    expect(graph.exchanges).toHaveLength(before);
  });

  it('exchanges a long-lived user token again before it expires, with the lifetime Meta returns', async () => {
    const token = 'EAAG-long-lived-user-token-secret';
    graph.registerLongLivedToken(token, user, { issuedAt: new Date(NOW.getTime() - 50 * DAY) });
    const tokens: ConnectionTokens = {
      accessToken: token,
      refreshToken: null,
      scopes: ['pages_show_list'],
      expiresAt: new Date(NOW.getTime() + 10 * DAY).toISOString(),
      refreshExpiresAt: null,
    };
    expect(refresher().plan(tokens, NOW)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(NOW.getTime() - 5 * DAY),
      expiresAt: new Date(NOW.getTime() + 10 * DAY),
    });
    const refreshed = await refresher().refresh(tokens, NOW);
    expect(refreshed.accessToken).toMatch(/^EAAG/);
    expect(refreshed.accessToken).not.toBe(token);
    expect(refreshed.expiresAt).toBe(new Date(NOW.getTime() + 5_000_000 * 1000).toISOString());
    expect(graph.exchanges.at(-1)).toEqual({
      grantType: 'fb_exchange_token',
      clientId: CLIENT_ID,
      clientSecretValid: true,
      tokenKnown: true,
      status: 200,
    });
  });

  it('reports an invalidated user token as expired, without the token or secret in the error', async () => {
    const token = 'EAAG-invalidated-user-token-secret';
    graph.registerLongLivedToken(token, user);
    graph.invalidateToken(token, 460);
    const error = await refresher()
      .refresh(
        {
          accessToken: token,
          refreshToken: null,
          scopes: [],
          expiresAt: new Date(NOW.getTime() + 10 * DAY).toISOString(),
          refreshExpiresAt: null,
        },
        NOW,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformApiError);
    const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
    expect(text).not.toContain(token);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(refreshOutcome(error).kind).toBe('expired');
  });
});
