import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { consentInBrowser } from '@ledger/testing/platform-servers';
import {
  startTikTokApiServer,
  type TikTokApiAccount,
  type TikTokApiServer,
} from '@ledger/testing/platform-servers/tiktok-api-server';
import {
  startTikTokOAuthServer,
  type TikTokOAuthServer,
} from '@ledger/testing/platform-servers/tiktok-oauth-server';
import { OAuthTokenError, PlatformApiError } from '../errors';
import { isConfigured, loadPlatformsConfig, PlatformConfigError } from '../platform-config';
import { OAuthFlows, type StartOAuthInput } from '../oauth/oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import { newOAuthState } from '../oauth/pending-authorization';
import { SqlitePendingAuthorizationStore } from '../oauth/sqlite-pending-authorization-store';
import { TikTokIdentityClient } from './tiktok-identity-client';
import {
  parseRestrictedRegions,
  tiktokOAuthPlatform,
  type TikTokPlatformOptions,
} from './tiktok-platform';

const CLIENT_KEY = 'awtiktokclientkey';
const CLIENT_SECRET = `tiktok-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/tiktok/callback`;

const startInput: StartOAuthInput = {
  platform: 'tiktok',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

const brand: TikTokApiAccount = {
  open_id: '-000Acme-open-id',
  union_id: 'union-acme',
  display_name: 'Acme Shoes',
  username: 'acmeshoes',
  avatar_url: 'https://p16.tiktokcdn.example/acme.jpeg',
  is_verified: true,
  is_business_account: true,
};

/** Where accounts live, as the deployment's region source would say. */
const regions = new Map<string, string>();

let oauth: TikTokOAuthServer;
let api: TikTokApiServer;
let dir: { path: string; remove(): void };
let store: SqlitePendingAuthorizationStore;
let now: Date;
const issued: string[] = [];
const errors: unknown[] = [];
const consoleOutput: string[] = [];

function flows(
  options: TikTokPlatformOptions = {},
  overrides: Record<string, string> = {},
): OAuthFlows {
  const config = loadPlatformsConfig({
    PUBLIC_BASE_URL,
    TIKTOK_AUTH_URL: oauth.authorizationUrl,
    TIKTOK_TOKEN_URL: oauth.tokenUrl,
    TIKTOK_API_URL: api.baseUrl,
    TIKTOK_CLIENT_ID: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
    ...overrides,
  });
  const settings = config.platforms.tiktok;
  if (!isConfigured(settings)) throw new Error('unconfigured');
  const platform = tiktokOAuthPlatform(settings, {
    businessApiUrl: api.baseUrl,
    restrictedRegions: parseRestrictedRegions('IN, af'),
    regionOf: (user) => regions.get(user.openId) ?? null,
    ...options,
  });
  return new OAuthFlows({ store, platforms: [platform], now: () => now });
}

function token(): string {
  const value = `act.${newOAuthState()}`;
  issued.push(value);
  return value;
}

async function connect(account: TikTokApiAccount, f: OAuthFlows = flows()) {
  const accessToken = token();
  api.registerToken(accessToken, account);
  const { authorizationUrl } = await f.start(startInput);
  const consent = await consentInBrowser(authorizationUrl, { accessToken });
  const result = await f.complete({ caller: STARTER, platform: 'tiktok', query: consent.query });
  issued.push(result.tokens.accessToken, result.tokens.refreshToken ?? '');
  return result;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  errors.push(error);
  return error as Error;
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 6 })).join(' '));
    });
  }
  api = await startTikTokApiServer();
  oauth = await startTikTokOAuthServer({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT],
    openIdOf: (accessToken) => api.openIdOf(accessToken),
  });
  dir = makeTempDir('tiktok-oauth-');
  store = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
});

beforeEach(() => {
  now = new Date();
});

afterAll(async () => {
  store?.close();
  dir?.remove();
  await Promise.all([oauth?.stop(), api?.stop()]);
  jest.restoreAllMocks();
});

describe('TikTok OAuth (Login Kit v2)', () => {
  it('sends the browser to TikTok with client_key (never client_id), comma-separated scopes, exact redirect URI and state', async () => {
    const { authorizationUrl, state } = await flows().start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauth.authorizationUrl);
    const q = url.searchParams;
    expect(q.get('client_key')).toBe(CLIENT_KEY);
    expect(q.has('client_id')).toBe(false);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe(
      'user.info.basic,user.info.profile,user.account.type,video.publish',
    );
    expect(q.get('state')).toBe(state);
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    // Login Kit for Web documents no PKCE (code_verifier is for mobile and desktop apps).
    expect(q.has('code_challenge')).toBe(false);
    expect(authorizationUrl).not.toContain(CLIENT_SECRET);
  });

  it('connects a business account: client_key and client_secret in the token body, open_id and both lifetimes kept', async () => {
    const result = await connect(brand);

    expect(result.tokens).toEqual({
      accessToken: expect.stringMatching(/^act\./),
      refreshToken: expect.stringMatching(/^rft\./),
      expiresIn: 86_400,
      expiresAt: new Date(now.getTime() + 86_400 * 1000),
      refreshExpiresAt: new Date(now.getTime() + 31_536_000 * 1000),
      scope: ['user.info.basic', 'user.info.profile', 'user.account.type', 'video.publish'],
      tokenType: 'Bearer',
      extra: { open_id: brand.open_id },
    });
    expect(result.identities).toEqual([
      {
        accountId: brand.open_id,
        accountName: 'acmeshoes',
        accountType: 'business',
        displayName: 'Acme Shoes',
        pictureUrl: brand.avatar_url,
        attributes: { verified: true, unionId: 'union-acme' },
      },
    ]);
    expect(result.pending).toMatchObject({
      platform: 'tiktok',
      userId: 'user-1',
      workspaceId: 'ws-1',
    });

    const exchange = oauth.tokenRequests().at(-1)!;
    expect(exchange).toEqual({
      grantType: 'authorization_code',
      bodyKeys: ['client_key', 'client_secret', 'code', 'grant_type', 'redirect_uri'],
      clientKey: CLIENT_KEY,
      authorizationHeader: false,
    });
    expect(api.businessRequests.at(-1)?.get('business_id')).toBe(brand.open_id);
    expect(JSON.parse(api.businessRequests.at(-1)?.get('fields') ?? '[]')).toEqual([
      'is_business_account',
    ]);
    expect(api.userFieldsRequested.at(-1)?.split(',')).toEqual(
      expect.arrayContaining(['open_id', 'union_id', 'display_name', 'username', 'avatar_url']),
    );
  });

  it('lists a personal account with an ACCOUNT_TYPE_NOT_SUPPORTED refusal', async () => {
    const result = await connect({
      ...brand,
      open_id: '-000personal',
      username: 'ada.personal',
      is_business_account: false,
    });
    expect(result.identities).toEqual([
      expect.objectContaining({
        accountId: '-000personal',
        accountType: 'personal',
        refusal: {
          code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
          reason: expect.stringContaining('personal TikTok account'),
        },
      }),
    ]);
  });

  it('refuses a business account in a restricted region, naming the region', async () => {
    regions.set('-000in-brand', 'in');
    const result = await connect({ ...brand, open_id: '-000in-brand' });
    expect(result.identities[0]).toMatchObject({
      accountType: 'business',
      refusal: { code: 'ACCOUNT_TYPE_NOT_SUPPORTED', reason: expect.stringContaining('region IN') },
      attributes: { region: 'IN' },
    });

    regions.set('-000fr-brand', 'FR');
    const allowed = await connect({ ...brand, open_id: '-000fr-brand' });
    expect(allowed.identities[0]).not.toHaveProperty('refusal');
    expect(allowed.identities[0].attributes).toMatchObject({ region: 'FR' });
  });

  it('allows every region when none is restricted, and cannot refuse a region it does not know', async () => {
    regions.set('-000in-open', 'IN');
    const open = await connect(
      { ...brand, open_id: '-000in-open' },
      flows({ restrictedRegions: [] }),
    );
    expect(open.identities[0]).not.toHaveProperty('refusal');

    const unknown = await connect({ ...brand, open_id: '-000nowhere' });
    expect(unknown.identities[0]).not.toHaveProperty('refusal');
    expect(unknown.identities[0].attributes).not.toHaveProperty('region');
  });

  it('reports a refused code as final and an outage of the token endpoint as transient', async () => {
    const cases = [
      {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Code expired', log_id: 'L1' },
        transient: false,
        oauthError: 'invalid_grant',
      },
      // TikTok may answer an OAuth error with HTTP 200: still a refusal, not a missing token.
      {
        status: 200,
        body: { error: 'invalid_request', error_description: 'bad', log_id: 'L2' },
        transient: false,
        oauthError: 'invalid_request',
      },
      {
        status: 503,
        body: { error: 'temporarily_unavailable', log_id: 'L3' },
        transient: true,
        oauthError: 'temporarily_unavailable',
      },
    ];
    for (const c of cases) {
      const f = flows();
      const { authorizationUrl } = await f.start(startInput);
      const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
      oauth.failNextTokenRequest(c.status, c.body);
      const error = await failure(
        f.complete({ caller: STARTER, platform: 'tiktok', query: consent.query }),
      );
      expect(error).toBeInstanceOf(OAuthTokenError);
      expect(error).toMatchObject({
        transient: c.transient,
        oauthError: c.oauthError,
        status: c.status,
      });
    }
  });

  it('is refused by the token endpoint when the client secret is wrong', async () => {
    const f = flows({}, { TIKTOK_CLIENT_SECRET: 'not-the-secret' });
    const { authorizationUrl } = await f.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
    const error = await failure(
      f.complete({ caller: STARTER, platform: 'tiktok', query: consent.query }),
    );
    expect(error).toMatchObject({
      code: 'OAUTH_TOKEN_REJECTED',
      oauthError: 'invalid_client',
      status: 401,
    });
  });

  it('reports a user who declined at TikTok as a declined authorization', async () => {
    const f = flows();
    const { authorizationUrl } = await f.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    const error = await failure(
      f.complete({ caller: STARTER, platform: 'tiktok', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_ACCESS_DENIED', oauthError: 'access_denied' });
  });

  it('fails the flow with the identity error when TikTok refuses the fresh token', async () => {
    const f = flows();
    const { authorizationUrl } = await f.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() }); // never registered
    const error = await failure(
      f.complete({ caller: STARTER, platform: 'tiktok', query: consent.query }),
    );
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 401, transient: false });
  });
});

describe('TikTokIdentityClient error classification', () => {
  let client: TikTokIdentityClient;
  beforeAll(() => {
    client = new TikTokIdentityClient({ apiUrl: api.baseUrl, businessApiUrl: api.baseUrl });
  });

  const displayError = (code: string, status: number, headers?: Record<string, string>) => ({
    status,
    headers,
    body: { data: {}, error: { code, message: `message for ${code}`, log_id: 'LOG' } },
  });

  it.each([
    ['access_token_invalid', 401, 'TOKEN_INVALID', false],
    ['scope_not_authorized', 401, 'INSUFFICIENT_PERMISSIONS', false],
    ['scope_permission_missed', 400, 'INSUFFICIENT_PERMISSIONS', false],
    ['rate_limit_exceeded', 429, 'PLATFORM_RATE_LIMITED', true],
    ['reached_active_user_cap', 429, 'PLATFORM_UNAVAILABLE', true],
    ['internal_error', 500, 'PLATFORM_UNAVAILABLE', true],
    ['something_new', 503, 'PLATFORM_UNAVAILABLE', true],
  ] as const)('user info error %s (HTTP %i) is %s', async (errorCode, status, code, transient) => {
    const accessToken = token();
    api.scriptUserInfo(accessToken, displayError(errorCode, status));
    const error = await failure(client.fetchIdentities(accessToken));
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code, transient, status });
  });

  it('keeps the Retry-After of a rate limit', async () => {
    const accessToken = token();
    api.scriptUserInfo(
      accessToken,
      displayError('rate_limit_exceeded', 429, { 'Retry-After': '60' }),
    );
    const error = (await failure(client.fetchIdentities(accessToken))) as PlatformApiError;
    expect(error.retryAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('treats an HTTP 200 carrying an error object as that error', async () => {
    const accessToken = token();
    api.scriptUserInfo(accessToken, displayError('access_token_invalid', 200));
    expect(await failure(client.fetchIdentities(accessToken))).toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it.each([
    [40105, 'TOKEN_INVALID', false],
    [40102, 'TOKEN_INVALID', false],
    [40001, 'INSUFFICIENT_PERMISSIONS', false],
    [40100, 'PLATFORM_RATE_LIMITED', true],
    [50002, 'PLATFORM_UNAVAILABLE', true],
  ] as const)('API for Business code %i is %s', async (businessCode, code, transient) => {
    const accessToken = token();
    api.registerToken(accessToken, { ...brand, open_id: `-000biz-${businessCode}` });
    api.scriptBusinessGet(accessToken, {
      status: 200,
      body: { code: businessCode, message: 'scripted', request_id: 'R' },
    });
    expect(await failure(client.fetchIdentities(accessToken))).toMatchObject({ code, transient });
  });

  it('treats a 5xx from the API for Business as transient', async () => {
    const accessToken = token();
    api.registerToken(accessToken, { ...brand, open_id: '-000biz-503' });
    api.scriptBusinessGet(accessToken, { status: 503, body: 'Service Unavailable' });
    expect(await failure(client.fetchIdentities(accessToken))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      status: 503,
      transient: true,
    });
  });

  it('refuses malformed TIKTOK_RESTRICTED_REGIONS at startup', () => {
    expect(parseRestrictedRegions(undefined)).toEqual([]);
    expect(parseRestrictedRegions(' in ,AF,in')).toEqual(['IN', 'AF']);
    expect(() => parseRestrictedRegions('IN,India')).toThrow(PlatformConfigError);
  });
});

describe('secrets', () => {
  it('appear in no error and no console output', () => {
    expect(errors.length).toBeGreaterThan(15);
    const texts = [
      ...errors.map((e) => `${String(e)}\n${inspect(e, { depth: 6 })}\n${JSON.stringify(e)}`),
      ...consoleOutput,
    ].join('\n');
    for (const secret of [CLIENT_SECRET, ...issued.filter(Boolean)]) {
      expect(texts).not.toContain(secret);
    }
  });
});
