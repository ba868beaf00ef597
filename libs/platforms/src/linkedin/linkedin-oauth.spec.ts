import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { consentInBrowser } from '@ledger/testing/platform-servers';
import {
  startLinkedInApiServer,
  type LinkedInApiServer,
  type LinkedInMember,
} from '@ledger/testing/platform-servers/linkedin-api-server';
import {
  startLinkedInOAuthServer,
  type LinkedInOAuthServer,
} from '@ledger/testing/platform-servers/linkedin-oauth-server';
import { OAuthTokenError, PlatformApiError } from '../errors';
import { isConfigured, loadPlatformsConfig } from '../platform-config';
import { OAuthFlows, type StartOAuthInput } from '../oauth/oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import { newOAuthState } from '../oauth/pending-authorization';
import { SqlitePendingAuthorizationStore } from '../oauth/sqlite-pending-authorization-store';
import { LinkedInIdentityClient } from './linkedin-identity-client';
import { linkedinOAuthPlatform } from './linkedin-platform';

const CLIENT_ID = '86linkedinclient';
const CLIENT_SECRET = `linkedin-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/linkedin/callback`;

const startInput: StartOAuthInput = {
  platform: 'linkedin',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

const grace: LinkedInMember = {
  userinfo: {
    sub: 'yrZCpj2Z12',
    name: 'Grace Hopper',
    given_name: 'Grace',
    family_name: 'Hopper',
    picture: 'https://media.licdn.example/grace.jpg',
    email: 'grace@example.test',
    email_verified: true,
    locale: { country: 'US', language: 'en' },
  },
  roles: [
    { organizationId: 2414183, role: 'ADMINISTRATOR' },
    { organizationId: 5000001, role: 'ADMINISTRATOR' },
    // Not an administrator of these: never offered.
    { organizationId: 7000007, role: 'DIRECT_SPONSORED_CONTENT_POSTER' },
    { organizationId: 8000008, role: 'ADMINISTRATOR', state: 'REQUESTED' },
  ],
};

let oauth: LinkedInOAuthServer;
let partnerOAuth: LinkedInOAuthServer;
let api: LinkedInApiServer;
let dir: { path: string; remove(): void };
let store: SqlitePendingAuthorizationStore;
let now: Date;
const issued: string[] = [];
const errors: unknown[] = [];
const consoleOutput: string[] = [];

function flows(
  server: LinkedInOAuthServer = oauth,
  overrides: Record<string, string> = {},
): OAuthFlows {
  const settings = loadPlatformsConfig({
    PUBLIC_BASE_URL,
    LINKEDIN_AUTH_URL: server.authorizationUrl,
    LINKEDIN_TOKEN_URL: server.tokenUrl,
    LINKEDIN_API_URL: api.baseUrl,
    LINKEDIN_CLIENT_ID: CLIENT_ID,
    LINKEDIN_CLIENT_SECRET: CLIENT_SECRET,
    ...overrides,
  }).platforms.linkedin;
  if (!isConfigured(settings)) throw new Error('unconfigured');
  return new OAuthFlows({ store, platforms: [linkedinOAuthPlatform(settings)], now: () => now });
}

function token(): string {
  const value = `AQ${newOAuthState()}`;
  issued.push(value);
  return value;
}

async function connect(member: LinkedInMember, f: OAuthFlows = flows()) {
  const accessToken = token();
  api.registerToken(accessToken, member);
  const { authorizationUrl } = await f.start(startInput);
  const consent = await consentInBrowser(authorizationUrl, { accessToken });
  const result = await f.complete({ caller: STARTER, platform: 'linkedin', query: consent.query });
  issued.push(result.tokens.refreshToken ?? '');
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
  const credentials = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT],
  };
  [oauth, partnerOAuth, api] = await Promise.all([
    startLinkedInOAuthServer(credentials),
    startLinkedInOAuthServer({ ...credentials, refreshTokens: true }),
    startLinkedInApiServer(),
  ]);
  api.registerOrganization({
    id: 2414183,
    localizedName: 'Hopper Compilers',
    vanityName: 'hopper-compilers',
  });
  api.registerOrganization({ id: 5000001, localizedName: 'Navy Software Lab' });
  api.registerOrganization({ id: 7000007, localizedName: 'Sponsored Only Inc' });
  api.registerOrganization({ id: 8000008, localizedName: 'Pending Admin Ltd' });
  dir = makeTempDir('linkedin-oauth-');
  store = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
});

beforeEach(() => {
  now = new Date();
});

afterAll(async () => {
  store?.close();
  dir?.remove();
  await Promise.all([oauth?.stop(), partnerOAuth?.stop(), api?.stop()]);
  jest.restoreAllMocks();
});

describe('LinkedIn OAuth', () => {
  it('sends the browser to LinkedIn with client_id, space-separated member and organization scopes, exact redirect URI and state', async () => {
    const { authorizationUrl, state } = await flows().start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauth.authorizationUrl);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe(
      'openid profile email w_member_social r_organization_admin w_organization_social',
    );
    expect(q.get('state')).toBe(state);
    expect(q.has('code_challenge')).toBe(false);
    expect(authorizationUrl).not.toContain(CLIENT_SECRET);
  });

  it('offers the personal profile and every administered company page in one list, with client_secret_post at the token endpoint', async () => {
    const result = await connect(grace);

    expect(result.identities).toEqual([
      {
        accountId: 'urn:li:person:yrZCpj2Z12',
        accountName: 'Grace Hopper',
        accountType: 'personal',
        displayName: 'Grace Hopper',
        pictureUrl: 'https://media.licdn.example/grace.jpg',
      },
      {
        accountId: 'urn:li:organization:2414183',
        accountName: 'Hopper Compilers',
        accountType: 'company',
        displayName: 'Hopper Compilers',
        attributes: { vanityName: 'hopper-compilers' },
      },
      {
        accountId: 'urn:li:organization:5000001',
        accountName: 'Navy Software Lab',
        accountType: 'company',
        displayName: 'Navy Software Lab',
      },
    ]);
    expect(result.identities.some((a) => a.refusal)).toBe(false);
    expect(result.tokens).toEqual({
      accessToken: expect.any(String),
      refreshToken: null,
      expiresIn: 5_184_000,
      expiresAt: new Date(now.getTime() + 5_184_000 * 1000),
      refreshExpiresAt: null,
      scope: expect.arrayContaining(['openid', 'r_organization_admin', 'w_organization_social']),
      tokenType: 'Bearer',
    });

    expect(oauth.tokenRequests().at(-1)).toEqual({
      grantType: 'authorization_code',
      bodyKeys: ['client_id', 'client_secret', 'code', 'grant_type', 'redirect_uri'],
      authorizationHeader: false,
    });
    const acls = api.requests.filter((r) => r.endpoint === 'organizationAcls').at(-1)!;
    expect(acls.linkedinVersion).toMatch(/^\d{6}$/);
    expect(acls.restliProtocolVersion).toBe('2.0.0');
    expect(new URLSearchParams(acls.query).get('role')).toBe('ADMINISTRATOR');
    expect(new URLSearchParams(acls.query).get('state')).toBe('APPROVED');
    expect(api.requests.filter((r) => r.endpoint === 'organizations').at(-1)?.query).toBe(
      'ids=List(2414183,5000001)',
    );
  });

  it('offers only the profile to a member who administers no page', async () => {
    const result = await connect({ userinfo: { sub: 'solo1', name: 'Solo Member' }, roles: [] });
    expect(result.identities).toEqual([
      expect.objectContaining({ accountId: 'urn:li:person:solo1', accountType: 'personal' }),
    ]);
    expect(api.requests.at(-1)?.endpoint).not.toBe('organizations');
  });

  it('pages through organizationAcls', async () => {
    const roles = Array.from({ length: 7 }, (_, i) => ({
      organizationId: 9100 + i,
      role: 'ADMINISTRATOR' as const,
    }));
    for (const r of roles)
      api.registerOrganization({ id: r.organizationId, localizedName: `Page ${r.organizationId}` });
    const accessToken = token();
    api.registerToken(accessToken, { userinfo: { sub: 'many', name: 'Many Pages' }, roles });
    const client = new LinkedInIdentityClient({ apiUrl: api.baseUrl, pageSize: 3 });
    const accounts = await client.fetchIdentities(accessToken);
    expect(accounts.filter((a) => a.accountType === 'company').map((a) => a.accountId)).toEqual(
      roles.map((r) => `urn:li:organization:${r.organizationId}`),
    );
    const starts = api.requests
      .filter((r) => r.endpoint === 'organizationAcls')
      .slice(-3)
      .map((r) => new URLSearchParams(r.query).get('start'));
    expect(starts).toEqual(['0', '3', '6']);
  });

  it('keeps refresh_token for approved partners (refresh_token_expires_in arrives with it)', async () => {
    const result = await connect(grace, flows(partnerOAuth));
    expect(result.tokens.refreshToken).toEqual(expect.any(String));
    expect(result.tokens.expiresIn).toBe(5_184_000);
    // LinkedIn names it refresh_token_expires_in (365 days from first authorization).
    expect(result.tokens.refreshExpiresAt).toBeInstanceOf(Date);
    expect(result.tokens.refreshExpiresAt!.getTime()).toBeGreaterThan(
      result.tokens.expiresAt!.getTime(),
    );
  });

  it('reports a member who cancels at LinkedIn (user_cancelled_authorize)', async () => {
    const f = flows();
    const { authorizationUrl } = await f.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    expect(consent.query).toMatchObject({ error: 'user_cancelled_authorize' });
    const error = await failure(
      f.complete({ caller: STARTER, platform: 'linkedin', query: consent.query }),
    );
    expect(error).toMatchObject({
      code: 'OAUTH_ACCESS_DENIED',
      oauthError: 'user_cancelled_authorize',
      transient: false,
    });
  });

  it('is refused by the token endpoint when the client secret is wrong, and an outage is transient', async () => {
    const wrong = flows(oauth, { LINKEDIN_CLIENT_SECRET: 'wrong-secret' });
    const started = await wrong.start(startInput);
    const consent = await consentInBrowser(started.authorizationUrl, { accessToken: token() });
    expect(
      await failure(
        wrong.complete({ caller: STARTER, platform: 'linkedin', query: consent.query }),
      ),
    ).toMatchObject({
      code: 'OAUTH_TOKEN_REJECTED',
      oauthError: 'invalid_client',
      status: 401,
    });

    const f = flows();
    const again = await f.start(startInput);
    const consent2 = await consentInBrowser(again.authorizationUrl, { accessToken: token() });
    oauth.failNextTokenRequest(503, { error: 'temporarily_unavailable' });
    const outage = await failure(
      f.complete({ caller: STARTER, platform: 'linkedin', query: consent2.query }),
    );
    expect(outage).toBeInstanceOf(OAuthTokenError);
    expect(outage).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true, status: 503 });
  });

  it('fails the flow with TOKEN_INVALID when LinkedIn does not know the fresh token', async () => {
    const f = flows();
    const { authorizationUrl } = await f.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() }); // never registered
    const error = await failure(
      f.complete({ caller: STARTER, platform: 'linkedin', query: consent.query }),
    );
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 401, transient: false });
  });
});

describe('LinkedInIdentityClient error classification', () => {
  let client: LinkedInIdentityClient;
  beforeAll(() => {
    client = new LinkedInIdentityClient({ apiUrl: api.baseUrl });
  });

  it.each([
    [401, 'TOKEN_INVALID', false],
    [403, 'INSUFFICIENT_PERMISSIONS', false],
    [404, 'ACCOUNT_NOT_FOUND', false],
    [429, 'PLATFORM_RATE_LIMITED', true],
    [500, 'PLATFORM_UNAVAILABLE', true],
    [503, 'PLATFORM_UNAVAILABLE', true],
  ] as const)('HTTP %i from any endpoint is %s', async (status, code, transient) => {
    for (const endpoint of ['userinfo', 'organizationAcls', 'organizations'] as const) {
      const accessToken = token();
      api.registerToken(accessToken, grace);
      api.scriptResponse(accessToken, endpoint, {
        status,
        headers: status === 429 ? { 'Retry-After': '120' } : {},
        body: { status, serviceErrorCode: 100, message: 'scripted' },
      });
      const error = await failure(client.fetchIdentities(accessToken));
      expect(error).toBeInstanceOf(PlatformApiError);
      expect(error).toMatchObject({ code, transient, status });
      if (status === 429) expect((error as PlatformApiError).retryAt).not.toBeNull();
    }
  });

  it('treats a userinfo without sub as a platform failure', async () => {
    const accessToken = token();
    api.registerToken(accessToken, grace);
    api.scriptResponse(accessToken, 'userinfo', { status: 200, body: { name: 'nobody' } });
    expect(await failure(client.fetchIdentities(accessToken))).toMatchObject({
      code: 'PLATFORM_UNAVAILABLE',
      transient: true,
    });
  });
});

describe('secrets', () => {
  it('appear in no error and no console output', () => {
    expect(errors.length).toBeGreaterThan(15);
    const texts = [
      ...errors.map((e) => `${String(e)}\n${inspect(e, { depth: 6 })}\n${JSON.stringify(e)}`),
      ...consoleOutput,
    ].join('\n');
    for (const secret of [CLIENT_SECRET, 'wrong-secret', ...issued.filter(Boolean)]) {
      expect(texts).not.toContain(secret);
    }
  });
});
