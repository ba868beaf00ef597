import { inspect } from 'node:util';
import type { ConnectionTokens } from '@ledger/token-vault';
import {
  startInstagramGraphServer,
  type GraphFakeInstagramUser,
  type InstagramGraphServer,
} from '@ledger/testing/platform-servers/graph-api-server';
import { graphError } from '@ledger/testing/platform-servers/meta-oauth-server';
import { PlatformApiError } from '../errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError, type RefreshableTokens } from '../refresh/token-refresher';
import { instagramTokenRefresher } from './instagram-refresh';

const DAY = 24 * 3600_000;
const CLIENT_SECRET = 'instagram-refresh-app-secret-77';
/** Not Meta's 5183944, so the test proves the returned lifetime is used. */
const LIFETIME = 5_000_000;
const START = new Date('2026-11-02T10:00:00.000Z');

let clock = START;
let graph: InstagramGraphServer;
const secrets: string[] = [CLIENT_SECRET];
const user: GraphFakeInstagramUser = {
  user_id: '17841400000000001',
  username: 'acme.shoes',
  account_type: 'BUSINESS',
};

beforeAll(async () => {
  graph = await startInstagramGraphServer({
    clientSecret: CLIENT_SECRET,
    longLivedExpiresIn: LIFETIME,
    now: () => clock,
  });
});
afterAll(() => graph.stop());
beforeEach(() => {
  clock = START;
});

const refresher = () => instagramTokenRefresher({ apiUrl: graph.apiUrl });

/** A long-lived token the fake issued `ageMs` ago for `lifetime` seconds, as the vault has it. */
function longLived(ageMs: number, lifetime = LIFETIME): RefreshableTokens & { issuedAt: string } {
  const token = `IGAA-${Math.random().toString(36).slice(2)}-${ageMs}`;
  secrets.push(token);
  const issuedAt = new Date(clock.getTime() - ageMs);
  graph.registerLongLivedToken(token, user, { issuedAt, expiresIn: lifetime });
  return {
    accessToken: token,
    refreshToken: null,
    tokenType: 'bearer',
    scopes: ['instagram_business_basic', 'instagram_business_content_publish'],
    expiresAt: new Date(issuedAt.getTime() + lifetime * 1000).toISOString(),
    refreshExpiresAt: null,
    issuedAt: issuedAt.toISOString(),
  };
}

function withoutIssuedAt(tokens: RefreshableTokens): ConnectionTokens {
  const { issuedAt: _issuedAt, ...rest } = tokens;
  return rest;
}

async function failure(promise: Promise<unknown>): Promise<PlatformApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformApiError);
  const text = `${String(error)} ${inspect(error, { depth: 6 })} ${JSON.stringify(error)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
  return error as PlatformApiError;
}

describe('Instagram token refresh', () => {
  it('plans at day 45 of the token, never before it is 24 hours old', () => {
    const tokens = longLived(3600_000);
    const issuedAt = Date.parse(tokens.issuedAt);
    expect(refresher().plan(tokens, clock)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(issuedAt + 0.75 * LIFETIME * 1000),
      expiresAt: new Date(tokens.expiresAt!),
    });
    // A short lifetime would put 75 % inside the first day: the 24 h minimum wins.
    const short = longLived(0, 20 * 3600);
    expect(refresher().plan(short, clock)).toEqual({
      kind: 'no-refresh',
      refreshAt: null,
      reason: expect.stringContaining('before Instagram allows refreshing it'),
      expiresAt: new Date(short.expiresAt!),
    });
    const day = longLived(0, 2 * 24 * 3600);
    expect(refresher().plan(day, clock)).toMatchObject({
      kind: 'refresh',
      refreshAt: new Date(clock.getTime() + 1.5 * DAY),
    });
  });

  it('refuses to refresh a token younger than 24 hours, without asking Meta', async () => {
    const tokens = longLived(23 * 3600_000);
    const before = graph.refreshes.length;
    const error = await refresher()
      .refresh(tokens, clock)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshNotDueError);
    expect(error).toMatchObject({ retryAt: new Date(Date.parse(tokens.issuedAt) + DAY) });
    expect(refreshOutcome(error)).toMatchObject({
      kind: 'transient',
      retryAt: new Date(Date.parse(tokens.issuedAt) + DAY),
    });
    expect(graph.refreshes).toHaveLength(before);
  });

  it('refreshes an older token for the lifetime Meta returns', async () => {
    const tokens = longLived(2 * DAY);
    const refreshed = await refresher().refresh(tokens, clock);
    secrets.push(refreshed.accessToken);
    expect(refreshed).toEqual({
      accessToken: expect.stringMatching(/^IGAA/),
      refreshToken: null,
      tokenType: 'bearer',
      scopes: tokens.scopes,
      expiresAt: new Date(clock.getTime() + LIFETIME * 1000).toISOString(),
      refreshExpiresAt: null,
      issuedAt: clock.toISOString(),
    });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    // The documented request: the grant and the token, no app secret.
    expect(graph.refreshes.at(-1)).toEqual({
      grantType: 'ig_refresh_token',
      queryKeys: ['access_token', 'grant_type'],
      tokenKind: 'long-lived',
      status: 200,
    });
    // The new token is itself too young to refresh again for a day.
    expect(refresher().plan(refreshed, clock)).toMatchObject({
      kind: 'refresh',
      refreshAt: new Date(clock.getTime() + 0.75 * LIFETIME * 1000),
    });
  });

  describe('without a known issue time (what the vault alone holds)', () => {
    it('treats the token as old enough only once it expires within 50 days', async () => {
      // Issued 5 days ago for ~58 days: expires in ~53 days, so not yet known to be old enough.
      const young = withoutIssuedAt(longLived(5 * DAY));
      const expiresAt = Date.parse(young.expiresAt!);
      expect(refresher().plan(young, clock)).toEqual({
        kind: 'refresh',
        refreshAt: new Date(expiresAt - 15 * DAY),
        expiresAt: new Date(expiresAt),
      });
      const early = await refresher()
        .refresh(young, clock)
        .catch((e: unknown) => e);
      expect(early).toBeInstanceOf(RefreshNotDueError);
      expect(early).toMatchObject({ retryAt: new Date(expiresAt - 50 * DAY) });

      const old = withoutIssuedAt(longLived(10 * DAY));
      const refreshed = await refresher().refresh(old, clock);
      secrets.push(refreshed.accessToken);
      expect(refreshed.expiresAt).toBe(new Date(clock.getTime() + LIFETIME * 1000).toISOString());
    });

    it('a wrong guess (a short-lived grant) is refused by Meta as a transient failure', async () => {
      // Fresh, but expiring within 50 days: assumed old enough; Meta refuses the young token.
      const fresh = withoutIssuedAt(longLived(3600_000, 40 * 24 * 3600));
      const error = await failure(refresher().refresh(fresh, clock));
      expect(graph.refreshes.at(-1)).toMatchObject({ status: 400 });
      expect(refreshOutcome(error).kind).toBe('transient');
    });
  });

  it('cannot refresh an expired token: the connection is expired', async () => {
    const tokens = longLived(2 * DAY, 24 * 3600);
    const plan = refresher().plan(tokens, clock);
    expect(plan).toMatchObject({ kind: 'no-refresh', expiresAt: new Date(tokens.expiresAt!) });
    expect(plan.kind === 'no-refresh' && plan.reason).toMatch(/expired .* reconnect the account/);
    const error = await failure(refresher().refresh(tokens, clock));
    expect(error.code).toBe('TOKEN_INVALID');
    expect(refreshOutcome(error).kind).toBe('expired');
  });

  it.each([
    [
      'an expired token (190/463)',
      400,
      graphError('expired', 'OAuthException', 190, 463),
      'expired',
    ],
    [
      'a revoked token (190/458)',
      400,
      graphError('removed', 'OAuthException', 190, 458),
      'expired',
    ],
    ['a withdrawn permission (10)', 403, graphError('perm', 'OAuthException', 10), 'error'],
    ['a withdrawn permission (200)', 403, graphError('perm', 'OAuthException', 200), 'error'],
    ['a vanished account (803)', 400, graphError('gone', 'OAuthException', 803), 'error'],
    ['an app rate limit (4)', 400, graphError('slow down', 'OAuthException', 4), 'transient'],
    ['an outage (HTTP 503)', 503, '', 'transient'],
  ] as const)('maps %s to a %s outcome', async (_name, status, body, kind) => {
    const tokens = longLived(2 * DAY);
    graph.scriptResponse(tokens.accessToken, { status, body }, { path: 'refresh_access_token' });
    const error = await failure(refresher().refresh(tokens, clock));
    expect(refreshOutcome(error).kind).toBe(kind);
  });

  it('names the account-gone and permission outcomes for the user', async () => {
    const gone = longLived(2 * DAY);
    graph.scriptResponse(
      gone.accessToken,
      { status: 400, body: graphError('gone', 'OAuthException', 100, 33) },
      { path: 'refresh_access_token' },
    );
    const error = await failure(refresher().refresh(gone, clock));
    expect(refreshOutcome(error)).toEqual({
      kind: 'error',
      code: 'ACCOUNT_NOT_FOUND',
      reason: expect.stringContaining('Instagram says this account no longer exists'),
    });
  });
});
