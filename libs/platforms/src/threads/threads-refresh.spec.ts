import { inspect } from 'node:util';
import {
  startThreadsGraphServer,
  type ThreadsGraphServer,
  type ThreadsProfile,
} from '@ledger/testing/platform-servers/threads-graph-server';
import { PlatformApiError } from '../errors';
import { refreshOutcome } from '../refresh/refresh-outcome';
import { RefreshNotDueError, type RefreshableTokens } from '../refresh/token-refresher';
import { threadsTokenRefresher } from './threads-refresh';

const DAY = 24 * 3600_000;
const LIFETIME = 5_100_000;
const START = new Date('2026-11-02T10:00:00.000Z');
const profile: ThreadsProfile = { id: '25012345678901234', username: 'acme.shoes' };

const clock = START;
let graph: ThreadsGraphServer;
const secrets: string[] = ['threads-refresh-app-secret-42'];

beforeAll(async () => {
  graph = await startThreadsGraphServer({
    clientSecret: secrets[0],
    longLivedExpiresIn: LIFETIME,
    now: () => clock,
  });
});
afterAll(() => graph.stop());

const refresher = () => threadsTokenRefresher({ apiUrl: graph.apiUrl });

function longLived(ageMs: number, lifetime = LIFETIME): RefreshableTokens & { issuedAt: string } {
  const token = `THAA-${Math.random().toString(36).slice(2)}`;
  secrets.push(token);
  const issuedAt = new Date(clock.getTime() - ageMs);
  graph.registerToken(token, profile, 'long-lived', { issuedAt, expiresIn: lifetime });
  return {
    accessToken: token,
    refreshToken: null,
    scopes: ['threads_basic', 'threads_content_publish'],
    expiresAt: new Date(issuedAt.getTime() + lifetime * 1000).toISOString(),
    refreshExpiresAt: null,
    issuedAt: issuedAt.toISOString(),
  };
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

describe('Threads token refresh', () => {
  it('refuses a token younger than 24 hours in the plan and without calling Meta', async () => {
    const tokens = longLived(2 * 3600_000);
    expect(refresher().plan(tokens, clock)).toEqual({
      kind: 'refresh',
      refreshAt: new Date(Date.parse(tokens.issuedAt) + 0.75 * LIFETIME * 1000),
      expiresAt: new Date(tokens.expiresAt!),
    });
    const before = graph.refreshRequests.length;
    const error = await refresher()
      .refresh(tokens, clock)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshNotDueError);
    expect((error as RefreshNotDueError).retryAt).toEqual(
      new Date(Date.parse(tokens.issuedAt) + DAY),
    );
    expect(graph.refreshRequests).toHaveLength(before);
  });

  it('refreshes an older token with th_refresh_token for the lifetime Meta returns', async () => {
    const tokens = longLived(30 * DAY);
    const refreshed = await refresher().refresh(tokens, clock);
    secrets.push(refreshed.accessToken);
    expect(refreshed).toMatchObject({
      accessToken: expect.stringMatching(/^THAA/),
      refreshToken: null,
      scopes: tokens.scopes,
      expiresAt: new Date(clock.getTime() + LIFETIME * 1000).toISOString(),
      issuedAt: clock.toISOString(),
    });
    expect(graph.refreshRequests.at(-1)).toEqual({
      grantType: 'th_refresh_token',
      tokenKind: 'long-lived',
      queryKeys: ['access_token', 'grant_type'],
      status: 200,
    });
    // The fake itself refuses the brand-new token: the 24 h rule holds at "Meta" too.
    const direct = await fetch(
      `${graph.apiUrl}/refresh_access_token?grant_type=th_refresh_token&access_token=${encodeURIComponent(refreshed.accessToken)}`,
    );
    expect(direct.status).toBe(400);
  });

  it('reports a token Meta has let lapse as expired', async () => {
    const tokens = longLived(40 * DAY);
    graph.expireToken(tokens.accessToken);
    const error = await failure(refresher().refresh(tokens, clock));
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 400 });
    expect(refreshOutcome(error).kind).toBe('expired');
  });

  it('reports a withdrawn threads_basic as a permission error', async () => {
    const tokens = longLived(40 * DAY);
    graph.scriptResponse(tokens.accessToken, {
      status: 403,
      body: { error: { message: 'perm', type: 'OAuthException', code: 10 } },
    });
    const error = await failure(refresher().refresh(tokens, clock));
    expect(refreshOutcome(error)).toMatchObject({
      kind: 'error',
      code: 'INSUFFICIENT_PERMISSIONS',
    });
  });
});
