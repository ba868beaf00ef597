import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { consentInBrowser } from '@ledger/testing/platform-servers/browser-consent';
import {
  startInstagramGraphServer,
  type GraphFakeInstagramUser,
  type InstagramGraphServer,
} from '@ledger/testing/platform-servers/graph-api-server';
import {
  graphError,
  instagramTokenResponse,
  startMetaOAuthServer,
  type MetaOAuthServer,
} from '@ledger/testing/platform-servers/meta-oauth-server';
import { OAuthTokenError } from '../errors';
import { OAuthFlows, type StartOAuthInput } from '../oauth/oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import { newOAuthState } from '../oauth/pending-authorization';
import { SqlitePendingAuthorizationStore } from '../oauth/sqlite-pending-authorization-store';
import { isConfigured, loadPlatformsConfig, type EnvLike } from '../platform-config';
import { INSTAGRAM_OAUTH, instagramOAuthPlatform } from './instagram-platform';

const CLIENT_ID = '990602627938098';
const CLIENT_SECRET = `ig-app-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/instagram/callback`;
const SIXTY_DAYS = 5184000;

const startInput: StartOAuthInput = {
  platform: 'instagram',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

let oauth: MetaOAuthServer;
let graph: InstagramGraphServer;
let dir: { path: string; remove(): void };
let store: SqlitePendingAuthorizationStore;
let env: EnvLike;
let now: Date;
let flows: OAuthFlows;
const secrets: string[] = [CLIENT_SECRET];
const seenErrors: unknown[] = [];
const consoleOutput: string[] = [];
let nextUserId = 17841400000000000n;

function shortLivedToken(): string {
  const value = `IGAAShort${newOAuthState()}`;
  secrets.push(value);
  return value;
}

function user(accountType: string, username: string): GraphFakeInstagramUser {
  nextUserId += 1n;
  return {
    user_id: String(nextUserId),
    id: String(nextUserId + 9000n),
    username,
    account_type: accountType,
    name: `${username} name`,
    profile_picture_url: `https://scontent.cdninstagram.com/${username}.jpg`,
  };
}

function buildFlows(overrides: EnvLike = {}): OAuthFlows {
  const settings = loadPlatformsConfig({ ...env, ...overrides }).platforms.instagram;
  if (!isConfigured(settings)) throw new Error('instagram not configured');
  return new OAuthFlows({ store, platforms: [instagramOAuthPlatform(settings)], now: () => now });
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

async function connect(accessToken: string, f: OAuthFlows = flows) {
  const { authorizationUrl } = await f.start(startInput);
  const consent = await consentInBrowser(authorizationUrl, { accessToken });
  return f.complete({ caller: STARTER, platform: 'instagram', query: consent.query });
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 6 })).join(' '));
    });
  }
  // Three hosts, as in production: www.instagram.com, api.instagram.com, graph.instagram.com.
  oauth = await startMetaOAuthServer({
    flavor: 'instagram',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT],
  });
  graph = await startInstagramGraphServer({
    clientSecret: CLIENT_SECRET,
    longLivedExpiresIn: SIXTY_DAYS,
  });
  dir = makeTempDir('instagram-oauth-');
  store = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
  env = {
    PUBLIC_BASE_URL,
    INSTAGRAM_AUTH_URL: oauth.authorizationUrl,
    INSTAGRAM_TOKEN_URL: oauth.tokenUrl,
    INSTAGRAM_API_URL: graph.apiUrl,
    INSTAGRAM_CLIENT_ID: CLIENT_ID,
    INSTAGRAM_CLIENT_SECRET: CLIENT_SECRET,
  };
});

beforeEach(() => {
  now = new Date();
  flows = buildFlows();
});

afterAll(async () => {
  store?.close();
  dir?.remove();
  await Promise.all([oauth?.stop(), graph?.stop()]);
  jest.restoreAllMocks();
});

describe('Instagram OAuth (Business Login for Instagram)', () => {
  it('sends the browser to Instagram: code flow, comma-separated business scopes, no PKCE, no selection', async () => {
    const { authorizationUrl, state } = await flows.start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauth.authorizationUrl);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe('instagram_business_basic,instagram_business_content_publish');
    expect(q.get('state')).toBe(state);
    expect(q.has('code_challenge')).toBe(false);
    expect(INSTAGRAM_OAUTH.selection).toBe(false);
  });

  it.each([
    ['BUSINESS', 'business'],
    ['MEDIA_CREATOR', 'creator'],
    ['Media_Creator', 'creator'],
  ])('connects a %s account as %s with a 60-day token', async (reported, accountType) => {
    const shortLived = shortLivedToken();
    const account = user(reported, `acme_${accountType}`);
    graph.registerUser(shortLived, account);

    const result = await connect(shortLived);

    // Code exchange on the token host: POST form with id, secret, grant, redirect URI, code.
    expect(oauth.tokenRequests.at(-1)).toMatchObject({
      method: 'POST',
      grantType: 'authorization_code',
      clientId: CLIENT_ID,
      clientSecretValid: true,
      authorizationHeader: false,
      redirectUri: REDIRECT,
      bodyKeys: ['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri'],
      status: 200,
    });
    // Then ig_exchange_token on the API host.
    expect(graph.exchanges.at(-1)).toEqual({
      grantType: 'ig_exchange_token',
      clientId: null,
      clientSecretValid: true,
      tokenKnown: true,
      status: 200,
    });
    const longLived = graph.longLivedTokens.at(-1)!;
    secrets.push(longLived);
    expect(result.tokens).toMatchObject({
      accessToken: longLived,
      refreshToken: null,
      expiresIn: SIXTY_DAYS,
      expiresAt: new Date(now.getTime() + SIXTY_DAYS * 1000),
      tokenType: 'bearer',
    });
    expect(graph.requests.at(-1)).toMatchObject({
      path: 'me',
      tokenIn: 'header',
      tokenKind: 'long-lived',
    });
    expect(graph.requests.at(-1)!.fields!.split(',')).toEqual(
      expect.arrayContaining(['user_id', 'username', 'account_type']),
    );
    expect(result.identities).toEqual([
      {
        accountId: account.user_id,
        accountName: account.username,
        accountType,
        displayName: account.name,
        pictureUrl: account.profile_picture_url,
        attributes: { appScopedUserId: account.id },
      },
    ]);
  });

  it('refuses a personal account with ACCOUNT_TYPE_NOT_SUPPORTED and what to do about it', async () => {
    const shortLived = shortLivedToken();
    const account = user('PERSONAL', 'just_me');
    graph.registerUser(shortLived, account);
    const result = await connect(shortLived);
    secrets.push(result.tokens.accessToken);
    expect(result.identities).toEqual([
      expect.objectContaining({
        accountId: account.user_id,
        accountName: 'just_me',
        accountType: 'personal',
        refusal: {
          code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
          reason:
            'Personal Instagram accounts cannot be connected: switch it to a Business or Creator account in the Instagram app, then connect again.',
        },
      }),
    ]);
    expect(result.identities[0]).not.toHaveProperty('accountToken');
  });

  it('completes with the flat token answer whose permissions are an array', async () => {
    const arrayOAuth = await startMetaOAuthServer({
      flavor: 'instagram',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT],
      tokenResponse: instagramTokenResponse({ permissionsAsArray: true }),
    });
    try {
      const shortLived = shortLivedToken();
      graph.registerUser(shortLived, user('BUSINESS', 'array_perms'));
      const result = await connect(
        shortLived,
        buildFlows({
          INSTAGRAM_AUTH_URL: arrayOAuth.authorizationUrl,
          INSTAGRAM_TOKEN_URL: arrayOAuth.tokenUrl,
        }),
      );
      secrets.push(result.tokens.accessToken);
      expect(result.identities[0]).toMatchObject({ accountType: 'business' });
    } finally {
      await arrayOAuth.stop();
    }
  });

  it('completes when the token endpoint answers wrapped in data:[...], keeping the permissions as scopes', async () => {
    const wrappedOAuth = await startMetaOAuthServer({
      flavor: 'instagram',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT],
      tokenResponse: instagramTokenResponse({ wrapped: true }),
    });
    try {
      const shortLived = shortLivedToken();
      graph.registerUser(shortLived, user('MEDIA_CREATOR', 'wrapped_answer'));
      const result = await connect(
        shortLived,
        buildFlows({
          INSTAGRAM_AUTH_URL: wrappedOAuth.authorizationUrl,
          INSTAGRAM_TOKEN_URL: wrappedOAuth.tokenUrl,
        }),
      );
      secrets.push(result.tokens.accessToken);
      expect(result.identities[0]).toMatchObject({
        accountName: 'wrapped_answer',
        accountType: 'creator',
      });
      expect(result.tokens.scope).toEqual(expect.arrayContaining(['instagram_business_basic']));
    } finally {
      await wrappedOAuth.stop();
    }
  });

  it("refuses a bad code in Instagram's own error shape as a final token error", async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: shortLivedToken() });
    expect(consent.callbackUrl).toBe(REDIRECT);
    oauth.failNextTokenRequest(400, {
      error_type: 'OAuthException',
      code: 400,
      error_message: 'Invalid authorization code',
    });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'instagram', query: consent.query }),
    );
    expect(error).toBeInstanceOf(OAuthTokenError);
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', status: 400, transient: false });
  });

  it('reports an expired or revoked token at the exchange as TOKEN_INVALID', async () => {
    const shortLived = shortLivedToken();
    graph.registerUser(shortLived, user('BUSINESS', 'expired'));
    graph.invalidateToken(shortLived, 463);
    const error = await errorOf(connect(shortLived));
    expect(error).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 400,
      transient: false,
      graph: { code: 190, subcode: 463 },
    });
  });

  it('refuses the exchange with a wrong app secret (HTTP 400) without echoing it', async () => {
    const wrong = `wrong-${newOAuthState()}`;
    secrets.push(wrong);
    const shortLived = shortLivedToken();
    graph.registerUser(shortLived, user('BUSINESS', 'wrong_secret'));
    // Only the API host has the wrong secret: the code exchange still succeeds.
    const settings = loadPlatformsConfig(env).platforms.instagram;
    const platform = instagramOAuthPlatform({
      ...settings,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    const misconfigured = instagramOAuthPlatform({
      ...settings,
      clientId: CLIENT_ID,
      clientSecret: wrong,
    });
    const f = new OAuthFlows({
      store,
      platforms: [
        { definition: platform.definition, identityClient: misconfigured.identityClient },
      ],
      now: () => now,
    });
    const error = await errorOf(connect(shortLived, f));
    expect(graph.exchanges.at(-1)).toMatchObject({ clientSecretValid: false, status: 400 });
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', status: 400, graph: { code: 1 } });
  });

  it.each([
    [429, 4, 'PLATFORM_RATE_LIMITED', true],
    [403, 10, 'INSUFFICIENT_PERMISSIONS', false],
    [500, 2, 'PLATFORM_UNAVAILABLE', true],
    [400, 803, 'ACCOUNT_NOT_FOUND', false],
  ])(
    'classifies HTTP %i Graph error %i on /me as %s',
    async (status, graphCode, code, transient) => {
      const shortLived = shortLivedToken();
      const account = user('BUSINESS', `err_${graphCode}`);
      graph.registerUser(shortLived, account);
      graph.scriptUserResponse(
        account.user_id,
        { status, body: graphError('Meta says something', 'OAuthException', graphCode) },
        { path: 'me' },
      );
      const error = await errorOf(connect(shortLived));
      expect(error).toMatchObject({ code, status, transient, platform: 'instagram' });
    },
  );

  it('reports a user who cancelled on Instagram as OAUTH_ACCESS_DENIED', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    expect(consent.query).toMatchObject({ error: 'access_denied', error_reason: 'user_denied' });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'instagram', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_ACCESS_DENIED' });
  });
});

describe('secrets', () => {
  it('appear in no error and no console output of the flows above', () => {
    secrets.push(...graph.longLivedTokens, ...oauth.issuedTokens);
    expect(seenErrors.length).toBeGreaterThan(6);
    const texts = [
      ...seenErrors.map((e) => `${String(e)}\n${inspect(e, { depth: 6 })}\n${JSON.stringify(e)}`),
      ...consoleOutput,
    ].join('\n');
    for (const s of secrets) expect(texts).not.toContain(s);
  });
});
