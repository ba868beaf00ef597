import { inspect } from 'node:util';
import type { ConnectionTokens } from '@ledger/token-vault';
import {
  startTikTokOAuthServer,
  type TikTokOAuthServer,
  type TikTokTokenResponse,
} from '@ledger/testing/platform-servers/tiktok-oauth-server';
import { isConfigured, loadPlatformsConfig } from '../platform-config';
import { TokenRefreshError } from '../refresh/refresh-errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError, type TokenRefresher } from '../refresh/token-refresher';
import { tiktokTokenRefresher } from './tiktok-refresh';

const CLIENT_KEY = 'awtiktokrefreshkey';
const CLIENT_SECRET = 'tiktok-refresh-secret-51c0ffee';
const NOW = new Date('2026-11-02T10:00:00.000Z');
/** Not TikTok's documented defaults, so the test proves the returned lifetimes are used. */
const ACCESS_TTL = 7_200;
const REFRESH_TTL = 15_552_000;

let oauth: TikTokOAuthServer;
let refresher: TokenRefresher;
const secrets: string[] = [CLIENT_SECRET];

beforeAll(async () => {
  oauth = await startTikTokOAuthServer({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: ['https://ledger.example.test/v1/oauth/tiktok/callback'],
    accessTokenTtl: ACCESS_TTL,
    refreshTokenTtl: REFRESH_TTL,
  });
  const config = loadPlatformsConfig({
    TIKTOK_TOKEN_URL: oauth.tokenUrl,
    TIKTOK_CLIENT_ID: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
  });
  const settings = config.platforms.tiktok;
  if (!isConfigured(settings)) throw new Error('unconfigured');
  refresher = tiktokTokenRefresher(settings);
});
afterAll(() => oauth.stop());

function stored(issued: TikTokTokenResponse, at = NOW): ConnectionTokens {
  secrets.push(issued.access_token, issued.refresh_token);
  return {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    tokenType: issued.token_type,
    scopes: issued.scope.split(','),
    expiresAt: new Date(at.getTime() + issued.expires_in * 1000).toISOString(),
    refreshExpiresAt: new Date(at.getTime() + issued.refresh_expires_in * 1000).toISOString(),
  };
}

function track<T extends ConnectionTokens>(tokens: T): T {
  secrets.push(tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : []));
  return tokens;
}

async function failure(promise: Promise<unknown>): Promise<TokenRefreshError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRefreshError);
  const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
  return error as TokenRefreshError;
}

describe('TikTok token refresh', () => {
  it('rotates, with the lifetimes TikTok returned, and the old refresh token stops working', async () => {
    const tokens = stored(oauth.issueTokens({ scope: 'user.info.basic,video.publish' }));
    const later = new Date(NOW.getTime() + 90 * 60_000);
    const refreshed = track(await refresher.refresh(tokens, later));
    expect(refreshed).toEqual({
      accessToken: expect.stringMatching(/^act\./),
      refreshToken: expect.stringMatching(/^rft\./),
      tokenType: 'Bearer',
      scopes: ['user.info.basic', 'video.publish'],
      expiresAt: new Date(later.getTime() + ACCESS_TTL * 1000).toISOString(),
      refreshExpiresAt: new Date(later.getTime() + REFRESH_TTL * 1000).toISOString(),
      issuedAt: later.toISOString(),
    });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    // client_key and client_secret in the form body, no Authorization header.
    expect(oauth.tokenRequests().at(-1)).toEqual({
      grantType: 'refresh_token',
      bodyKeys: ['client_key', 'client_secret', 'grant_type', 'refresh_token'],
      clientKey: CLIENT_KEY,
      authorizationHeader: false,
    });

    const reuse = await failure(refresher.refresh(tokens, later));
    expect(reuse).toMatchObject({ code: 'TOKEN_INVALID', oauthError: 'invalid_grant' });
    expect(refreshOutcome(reuse).kind).toBe('expired');
    track(await refresher.refresh(refreshed, later));
  });

  it('lets exactly one of two concurrent refreshes win; the loser holds a dead token', async () => {
    const tokens = stored(oauth.issueTokens());
    const results = await Promise.allSettled([
      refresher.refresh(tokens, NOW),
      refresher.refresh(tokens, NOW),
    ]);
    const won = results.filter(
      (r): r is PromiseFulfilledResult<ConnectionTokens & { issuedAt: string }> =>
        r.status === 'fulfilled',
    );
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    track(won[0].value);
    const error = await failure(Promise.reject(lost[0].reason));
    expect(refreshOutcome(error).kind).toBe('expired');
  });

  it('plans from expires_in, and refuses a refresh token past refresh_expires_in', async () => {
    const tokens = stored(oauth.issueTokens());
    const expiresAt = new Date(tokens.expiresAt!);
    expect(refresher.plan({ ...tokens, issuedAt: NOW.toISOString() }, NOW)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(NOW.getTime() + 0.8 * ACCESS_TTL * 1000),
      expiresAt,
    });

    // The refresh token lapses before the access token would be refreshed: refresh before it.
    const soon = new Date(NOW.getTime() + 3600_000).toISOString();
    expect(refresher.plan({ ...tokens, refreshExpiresAt: soon }, NOW)).toMatchObject({
      kind: 'refresh',
      refreshAt: new Date(Date.parse(soon) - 30 * 60_000),
    });

    const past = { ...tokens, refreshExpiresAt: new Date(NOW.getTime() - 1000).toISOString() };
    const plan = refresher.plan(past, NOW);
    expect(plan).toEqual({
      kind: 'no-refresh',
      refreshAt: null,
      reason: `The TikTok refresh token expired at ${past.refreshExpiresAt}: reconnect the account before ${tokens.expiresAt}.`,
      expiresAt,
    });
    const before = oauth.tokenRequests().length;
    await expect(refresher.refresh(past, NOW)).rejects.toBeInstanceOf(RefreshNotDueError);
    const dead = await failure(refresher.refresh(past, new Date(expiresAt.getTime() + 1)));
    expect(refreshOutcome(dead).kind).toBe('expired');
    expect(oauth.tokenRequests()).toHaveLength(before);
  });

  it.each([
    ['scope_not_authorized (under HTTP 200)', 200, 'scope_not_authorized', 'error'],
    ['access_denied', 401, 'access_denied', 'error'],
    ['an app-wide cap', 200, 'reached_active_user_cap', 'transient'],
    ['rate_limit_exceeded', 429, 'rate_limit_exceeded', 'transient'],
    ['internal_error', 500, 'internal_error', 'transient'],
    ['invalid_grant', 400, 'invalid_grant', 'expired'],
    ['invalid_client', 401, 'invalid_client', 'transient'],
  ] as const)('maps %s (HTTP %i, %s) to a %s outcome', async (_name, status, error, kind) => {
    const tokens = stored(oauth.issueTokens());
    oauth.failNextTokenRequest(status, {
      error,
      error_description: `TikTok says something about ${tokens.refreshToken}`,
      log_id: '20261102ABCDEF',
    });
    const failed = await failure(refresher.refresh(tokens, NOW));
    expect(failed.oauthError).toBe(error);
    const outcome = refreshOutcome(failed);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'error') expect(outcome.code).toBe('INSUFFICIENT_PERMISSIONS');
    if (kind !== 'expired') track(await refresher.refresh(tokens, NOW));
  });

  it('reads Retry-After on a rate limit', () => {
    const tiktok = refresher as unknown as {
      classify(status: number, e: string | null, h: Headers, now: Date): TokenRefreshError;
    };
    const error = tiktok.classify(429, null, new Headers({ 'retry-after': '120' }), NOW);
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
    expect(refreshOutcome(error)).toEqual({
      kind: 'transient',
      reason: expect.any(String),
      retryAt: new Date(NOW.getTime() + 120_000),
    });
  });

  it('treats a 2xx without an access token as a platform fault', async () => {
    const tokens = stored(oauth.issueTokens());
    oauth.failNextTokenRequest(200, { data: {} });
    const error = await failure(refresher.refresh(tokens, NOW));
    expect(refreshOutcome(error).kind).toBe('transient');
  });
});
