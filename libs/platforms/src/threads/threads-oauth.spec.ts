import { join } from 'node:path';
import { inspect } from 'node:util';
import { consentInBrowser } from '@ledger/testing/platform-servers';
import {
  startThreadsGraphServer,
  type ThreadsGraphServer,
  type ThreadsProfile,
} from '@ledger/testing/platform-servers/threads-graph-server';
import {
  startThreadsOAuthServer,
  type ThreadsOAuthServer,
} from '@ledger/testing/platform-servers/threads-oauth-server';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { OAuthAuthorizationError, OAuthTokenError, PlatformApiError } from '../errors';
import { OAuthFlows, type StartOAuthInput } from '../oauth/oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import { newOAuthState } from '../oauth/pending-authorization';
import { SqlitePendingAuthorizationStore } from '../oauth/sqlite-pending-authorization-store';
import { isConfigured, loadPlatformsConfig, type EnvLike } from '../platform-config';
import { threadsOAuthPlatform, THREADS_OAUTH } from './threads-platform';

const CLIENT_ID = '990602627938098';
const CLIENT_SECRET = `threads-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/threads/callback`;
const LONG_LIVED_EXPIRES_IN = 5183944;

const acme: ThreadsProfile = {
  id: '25719012345678901',
  username: 'acme.studio',
  name: 'Acme Studio',
  threads_profile_picture_url: 'https://scontent.cdninstagram.com/acme.jpg',
};

const startInput: StartOAuthInput = {
  platform: 'threads',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

let oauth: ThreadsOAuthServer;
let graph: ThreadsGraphServer;
let dir: { path: string; remove(): void };
let store: SqlitePendingAuthorizationStore;
let env: EnvLike;
let now: Date;
let flows: OAuthFlows;
const shortLivedTokens: string[] = [];
const seenErrors: unknown[] = [];
const consoleOutput: string[] = [];

/** A short-lived token the consent screen will issue, known to the Graph fake as `profile`'s. */
function shortLivedFor(profile: ThreadsProfile): string {
  const value = `THQV${newOAuthState()}`;
  shortLivedTokens.push(value);
  graph.registerToken(value, profile);
  return value;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  seenErrors.push(error);
  return error as Error;
}

function flowsFor(overrides: EnvLike = {}): OAuthFlows {
  const settings = loadPlatformsConfig({ ...env, ...overrides }).platforms.threads;
  if (!isConfigured(settings)) throw new Error('Threads is not configured');
  return new OAuthFlows({ store, platforms: [threadsOAuthPlatform(settings)], now: () => now });
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 6 })).join(' '));
    });
  }
  graph = await startThreadsGraphServer({
    clientSecret: CLIENT_SECRET,
    longLivedExpiresIn: LONG_LIVED_EXPIRES_IN,
  });
  oauth = await startThreadsOAuthServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT],
    userIdFor: (accessToken) => graph.profileOf(accessToken)?.id,
  });
  dir = makeTempDir('threads-oauth-');
  store = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
  env = {
    PUBLIC_BASE_URL,
    THREADS_AUTH_URL: oauth.authorizationUrl,
    THREADS_TOKEN_URL: oauth.tokenUrl,
    THREADS_API_URL: graph.apiUrl,
    THREADS_CLIENT_ID: CLIENT_ID,
    THREADS_CLIENT_SECRET: CLIENT_SECRET,
  };
});

beforeEach(() => {
  now = new Date();
  flows = flowsFor();
});

afterAll(async () => {
  store?.close();
  dir?.remove();
  await Promise.all([oauth?.stop(), graph?.stop()]);
  jest.restoreAllMocks();
});

describe('Threads OAuth traits', () => {
  it('asks for threads_basic and threads_content_publish, comma-separated, secret in the body, no PKCE, no selection', () => {
    expect(THREADS_OAUTH).toEqual({
      platform: 'threads',
      scopes: ['threads_basic', 'threads_content_publish'],
      scopeSeparator: ',',
      pkce: false,
      tokenEndpointAuth: 'client_secret_post',
      selection: false,
    });
  });
});

describe('Threads OAuth flow over HTTP', () => {
  it('sends the browser to the Authorization Window with the exact redirect URI, scopes and state', async () => {
    const { authorizationUrl, state } = await flows.start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauth.authorizationUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      scope: 'threads_basic,threads_content_publish',
      state,
    });
    expect(authorizationUrl).not.toContain(CLIENT_SECRET);
  });

  it('exchanges the code, then the short-lived token for a long-lived one, and names the profile with its Instagram username', async () => {
    const shortLived = shortLivedFor(acme);
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLived });
    expect(consent.callbackUrl).toBe(REDIRECT);
    expect(Object.keys(consent.query).sort()).toEqual(['code', 'state']);

    const result = await flows.complete({
      caller: STARTER,
      platform: 'threads',
      query: consent.query,
    });

    // The code exchange: a form POST authenticated by client_id and client_secret in the body.
    expect(oauth.tokenRequests.at(-1)).toEqual({
      grantType: 'authorization_code',
      clientIdValid: true,
      clientSecretValid: true,
      authorizationHeader: false,
      bodyKeys: ['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri'],
    });
    // Then th_exchange_token with the short-lived token the code gave.
    expect(graph.exchangeRequests.at(-1)).toEqual({
      grantType: 'th_exchange_token',
      clientSecretValid: true,
      tokenKind: 'short-lived',
      queryKeys: ['access_token', 'client_secret', 'grant_type'],
    });
    const longLived = graph.issuedLongLivedTokens.at(-1)!;
    expect(result.tokens).toEqual({
      accessToken: longLived,
      refreshToken: null,
      expiresIn: LONG_LIVED_EXPIRES_IN,
      expiresAt: new Date(now.getTime() + LONG_LIVED_EXPIRES_IN * 1000),
      refreshExpiresAt: null,
      scope: [],
      tokenType: 'bearer',
    });
    expect(result.tokens.accessToken).not.toBe(shortLived);
    // The identity is read with the long-lived token, not the one that lapses in an hour.
    expect(graph.meRequests.at(-1)).toMatchObject({ tokenKind: 'long-lived' });
    expect(result.identities).toEqual([
      {
        accountId: '25719012345678901',
        accountName: 'acme.studio',
        accountType: 'profile',
        displayName: 'Acme Studio',
        pictureUrl: 'https://scontent.cdninstagram.com/acme.jpg',
        linkedAccount: { platform: 'instagram', accountId: null, accountName: 'acme.studio' },
      },
    ]);
    expect(result.pending).toMatchObject({
      platform: 'threads',
      userId: 'user-1',
      workspaceId: 'ws-1',
      intent: { kind: 'connect' },
    });
  });

  it('keeps the profile id exact although the token response sends user_id as a JSON number past 2^53', async () => {
    const big: ThreadsProfile = { id: '17841405793187218', username: 'bignumber' };
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(big) });
    const result = await flows.complete({
      caller: STARTER,
      platform: 'threads',
      query: consent.query,
    });
    expect(result.identities[0]!.accountId).toBe('17841405793187218');
  });

  it('reports a user who declined, and burns the state', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    expect(consent.query).toMatchObject({ error: 'access_denied', error_reason: 'user_denied' });
    const exchanges = oauth.tokenRequests.length;

    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toBeInstanceOf(OAuthAuthorizationError);
    expect(error).toMatchObject({
      code: 'OAUTH_ACCESS_DENIED',
      binding: { userId: 'user-1', workspaceId: 'ws-1' },
    });
    expect(oauth.tokenRequests).toHaveLength(exchanges);
    expect(
      await errorOf(flows.complete({ caller: STARTER, platform: 'threads', query: consent.query })),
    ).toMatchObject({ code: 'OAUTH_STATE_INVALID' });
  });

  it('refuses a replayed callback without exchanging the code twice', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(acme) });
    await flows.complete({ caller: STARTER, platform: 'threads', query: consent.query });
    const exchanges = oauth.tokenRequests.length;
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'unknown' });
    expect(oauth.tokenRequests).toHaveLength(exchanges);
  });

  it('reports a code Threads refuses (Graph error body) as final OAUTH_TOKEN_REJECTED', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(acme) });
    oauth.failNextTokenRequest(400, {
      error: {
        message: 'This authorization code has been used.',
        type: 'OAuthException',
        code: 100,
        fbtrace_id: 'Xy1',
      },
    });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toBeInstanceOf(OAuthTokenError);
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', transient: false, status: 400 });
  });

  it('is refused by the token endpoint when the app secret is wrong', async () => {
    const wrongSecret = `wrong-${newOAuthState()}`;
    const wrong = flowsFor({ THREADS_CLIENT_SECRET: wrongSecret });
    const { authorizationUrl } = await wrong.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(acme) });
    const error = await errorOf(
      wrong.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', status: 400 });
    expect(oauth.tokenRequests.at(-1)).toMatchObject({ clientSecretValid: false });
    expect(inspect(error, { depth: 6 })).not.toContain(wrongSecret);
  });

  it('is refused when the token endpoint sees another redirect URI than the authorization', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(acme) });
    const elsewhere = flowsFor({ PUBLIC_BASE_URL: 'https://other.example.test' });
    // The state lives in the shared store, so the other configuration can try to complete it.
    const error = await errorOf(
      elsewhere.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', status: 400 });
  });

  it('treats a token endpoint outage as transient', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedFor(acme) });
    oauth.failNextTokenRequest(503, '<html>Service Unavailable</html>');
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true, status: 503 });
  });

  it('fails with TOKEN_INVALID when the short-lived token cannot be exchanged (expired)', async () => {
    const shortLived = shortLivedFor(acme);
    graph.expireToken(shortLived);
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLived });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 400, transient: false });
  });

  it('reports a rate-limited exchange as transient PLATFORM_RATE_LIMITED', async () => {
    const shortLived = shortLivedFor(acme);
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLived });
    graph.scriptResponse(shortLived, {
      status: 400,
      body: { error: { message: 'Calls limit reached', type: 'OAuthException', code: 4 } },
    });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
  });

  it('fails with TOKEN_INVALID when Threads does not know the token the code gave', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const unknown = `THQV${newOAuthState()}`;
    shortLivedTokens.push(unknown);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: unknown });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'threads', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 400 });
  });
});

describe('secrets', () => {
  it('appear in no error and no console output of the flows above', () => {
    expect(seenErrors.length).toBeGreaterThanOrEqual(8);
    expect(graph.issuedLongLivedTokens.length).toBeGreaterThanOrEqual(3);
    const texts = [
      ...seenErrors.map((e) => `${String(e)}\n${inspect(e, { depth: 6 })}\n${JSON.stringify(e)}`),
      ...consoleOutput,
    ].join('\n');
    for (const secret of [CLIENT_SECRET, ...shortLivedTokens, ...graph.issuedLongLivedTokens]) {
      expect(texts).not.toContain(secret);
    }
  });
});
