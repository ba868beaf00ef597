import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { ConnectionTokens } from '@ledger/token-vault';
import {
  startXOAuthServer,
  type XOAuthServer,
  type XTokenResponse,
} from '@ledger/testing/platform-servers';
import { loadPlatformsConfig, isConfigured } from '../platform-config';
import { TokenRefreshError } from '../refresh/refresh-errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError, type TokenRefresher } from '../refresh/token-refresher';
import { xTokenRefresher } from './x-refresh';

const CLIENT_ID = 'x-refresh-client';
const CLIENT_SECRET = 'x-refresh-secret-8f1c2d9e7a';
const NOW = new Date('2026-11-02T10:00:00.000Z');

let oauth: XOAuthServer;
let refresher: TokenRefresher;
/** Every token the fake handed out: none may appear in an error. */
const secrets: string[] = [CLIENT_SECRET];

function settings(overrides: Record<string, string> = {}) {
  const config = loadPlatformsConfig({
    X_TOKEN_URL: oauth.tokenUrl,
    X_CLIENT_ID: CLIENT_ID,
    X_CLIENT_SECRET: CLIENT_SECRET,
    ...overrides,
  });
  const x = config.platforms.x;
  if (!isConfigured(x)) throw new Error('unconfigured');
  return x;
}

beforeAll(async () => {
  oauth = await startXOAuthServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: ['https://ledger.example.test/v1/oauth/x/callback'],
  });
  refresher = xTokenRefresher(settings());
});
afterAll(() => oauth.stop());

/** What the vault would hold right after a consent that yielded `issued` at `at`. */
function stored(issued: XTokenResponse, at = NOW): ConnectionTokens {
  secrets.push(issued.access_token, ...(issued.refresh_token ? [issued.refresh_token] : []));
  return {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token ?? null,
    tokenType: issued.token_type,
    scopes: issued.scope.split(' '),
    expiresAt: new Date(at.getTime() + issued.expires_in * 1000).toISOString(),
    refreshExpiresAt: null,
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

describe('X token refresh', () => {
  it('rotates: a new access token and a new refresh token, and the old refresh token is dead', async () => {
    const tokens = stored(await oauth.issueTokens());
    const later = new Date(NOW.getTime() + 100 * 60_000);
    const refreshed = track(await refresher.refresh(tokens, later));

    expect(refreshed).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'bearer',
      scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access'],
      // X's expires_in (7200 s) from the refresh's own clock.
      expiresAt: new Date(later.getTime() + 7200 * 1000).toISOString(),
      refreshExpiresAt: null,
      issuedAt: later.toISOString(),
    });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);

    // HTTP Basic client authentication; only the grant and the refresh token in the body.
    expect((await oauth.tokenRequests()).at(-1)).toEqual({
      grantType: 'refresh_token',
      basicClientId: CLIENT_ID,
      bodyKeys: ['grant_type', 'refresh_token'],
    });

    // The old refresh token no longer works at X...
    const reuse = await failure(refresher.refresh(tokens, later));
    expect(reuse).toMatchObject({ code: 'TOKEN_INVALID', transient: false, status: 400 });
    expect(refreshOutcome(reuse)).toEqual({ kind: 'expired', reason: expect.any(String) });
    // ...while the new one does (and rotates again).
    const again = track(await refresher.refresh(refreshed, later));
    expect(again.refreshToken).not.toBe(refreshed.refreshToken);
  });

  it('lets exactly one of two concurrent refreshes with the same refresh token win: the other is dead', async () => {
    const tokens = stored(await oauth.issueTokens());
    const results = await Promise.allSettled([
      refresher.refresh(tokens, NOW),
      refresher.refresh(tokens, NOW),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    track((won[0] as PromiseFulfilledResult<ConnectionTokens>).value);
    const error = await failure(Promise.reject(lost[0].reason));
    expect(error.code).toBe('TOKEN_INVALID');
    // Why the job holds a lease per connection: the loser's connection would become expired.
    expect(refreshOutcome(error).kind).toBe('expired');
  });

  it('plans at 80% of the life X returned, or 15 minutes before expiry when the issue time is unknown', () => {
    const tokens: ConnectionTokens = {
      accessToken: 'a',
      refreshToken: 'r',
      scopes: [],
      expiresAt: new Date(NOW.getTime() + 7200_000).toISOString(),
      refreshExpiresAt: null,
    };
    expect(refresher.plan({ ...tokens, issuedAt: NOW.toISOString() }, NOW)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(NOW.getTime() + 0.8 * 7200_000),
      expiresAt: new Date(NOW.getTime() + 7200_000),
    });
    expect(refresher.plan(tokens, NOW)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(NOW.getTime() + 7200_000 - 15 * 60_000),
      expiresAt: new Date(NOW.getTime() + 7200_000),
    });
    // An access token that has already expired is still refreshable with its refresh token.
    const late = new Date(NOW.getTime() + 5 * 3600_000);
    expect(refresher.plan(tokens, late)).toMatchObject({ kind: 'refresh' });
  });

  it('cannot refresh without offline.access: the plan says until when the connection lasts', async () => {
    const tokens = stored(await oauth.issueTokens('tweet.read users.read'));
    expect(tokens.refreshToken).toBeNull();
    const plan = refresher.plan(tokens, NOW);
    expect(plan).toEqual({
      kind: 'no-refresh',
      refreshAt: null,
      reason: `X issued no refresh token (offline.access was not granted): reconnect the account before ${tokens.expiresAt}.`,
      expiresAt: new Date(tokens.expiresAt!),
    });
    const before = (await oauth.tokenRequests()).length;
    await expect(refresher.refresh(tokens, NOW)).rejects.toBeInstanceOf(RefreshNotDueError);
    // Once the access token is past its expiry the connection is dead.
    const after = new Date(NOW.getTime() + 3 * 3600_000);
    const dead = await failure(refresher.refresh(tokens, after));
    expect(refreshOutcome(dead).kind).toBe('expired');
    expect(await oauth.tokenRequests()).toHaveLength(before);
  });

  it.each([
    [503, {}, 'transient'],
    [500, { error: 'server_error' }, 'transient'],
    [429, { title: 'Too Many Requests' }, 'transient'],
    [403, { error: 'forbidden' }, 'error'],
    [400, { error: 'invalid_grant', error_description: 'revoked' }, 'expired'],
    [400, { error: 'invalid_request', error_description: 'token was invalid' }, 'expired'],
  ] as const)('maps HTTP %i %j to a %s outcome', async (status, body, kind) => {
    const tokens = stored(await oauth.issueTokens());
    await oauth.failNextTokenRequest(status, body);
    const error = await failure(refresher.refresh(tokens, NOW));
    expect(error.status).toBe(status);
    const outcome = refreshOutcome(error);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'error') expect(outcome.code).toBe('INSUFFICIENT_PERMISSIONS');
    // A transient failure leaves the refresh token usable.
    if (kind === 'transient') track(await refresher.refresh(tokens, NOW));
  });

  it("treats X refusing this service's client credentials as transient, not the account's fault", async () => {
    const tokens = stored(await oauth.issueTokens());
    const wrong = xTokenRefresher({ ...settings(), clientSecret: 'not-the-secret' });
    const error = await failure(wrong.refresh(tokens, NOW));
    expect(error).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      oauthError: 'unauthorized_client',
    });
    expect(refreshOutcome(error)).toMatchObject({ kind: 'transient' });
  });

  it('treats an unreachable token endpoint as transient', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const unreachable = xTokenRefresher(
      settings({ X_TOKEN_URL: `http://127.0.0.1:${port}/2/oauth2/token` }),
    );
    const tokens = stored(await oauth.issueTokens());
    const error = await failure(unreachable.refresh(tokens, NOW));
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', status: null, transient: true });
    expect(refreshOutcome(error)).toMatchObject({ kind: 'transient', retryAt: null });
  });
});
