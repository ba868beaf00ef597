import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { consentInBrowser } from '@ledger/testing/platform-servers/browser-consent';
import {
  startFacebookGraphServer,
  type FacebookGraphServer,
  type GraphFakePage,
} from '@ledger/testing/platform-servers/graph-api-server';
import {
  graphError,
  startMetaOAuthServer,
  type MetaOAuthServer,
} from '@ledger/testing/platform-servers/meta-oauth-server';
import { OAuthTokenError, PlatformApiError } from '../errors';
import { OAuthFlows, type StartOAuthInput } from '../oauth/oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import { newOAuthState } from '../oauth/pending-authorization';
import { SqlitePendingAuthorizationStore } from '../oauth/sqlite-pending-authorization-store';
import { isConfigured, loadPlatformsConfig, type EnvLike } from '../platform-config';
import type { PlatformAccount } from '../platform-definition';
import { GraphApiError } from '../meta/graph-errors';
import { FACEBOOK_OAUTH, facebookOAuthPlatform } from './facebook-platform';

const CLIENT_ID = '1029384756102938';
const CLIENT_SECRET = `fb-app-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/facebook/callback`;
const LONG_LIVED_SECONDS = 5183944;

const startInput: StartOAuthInput = {
  platform: 'facebook',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

let oauth: MetaOAuthServer;
let graph: FacebookGraphServer;
let dir: { path: string; remove(): void };
let store: SqlitePendingAuthorizationStore;
let env: EnvLike;
let now: Date;
let flows: OAuthFlows;
/** Short-lived user tokens and Page tokens handed to the fakes: secrets to look for. */
const secrets: string[] = [CLIENT_SECRET];
const seenErrors: unknown[] = [];
const consoleOutput: string[] = [];

function secret(prefix: string): string {
  const value = `${prefix}${newOAuthState()}`;
  secrets.push(value);
  return value;
}

function page(id: string, name: string, tasks: string[], category = 'Brand'): GraphFakePage {
  return { id, name, category, tasks, access_token: secret('EAAPage') };
}

const ADMIN = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE', 'MESSAGING'];
const EDITOR = ['CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE', 'MESSAGING'];
const MODERATOR = ['MODERATE', 'ADVERTISE', 'ANALYZE', 'MESSAGING'];

function buildFlows(overrides: EnvLike = {}): OAuthFlows {
  const settings = loadPlatformsConfig({ ...env, ...overrides }).platforms.facebook;
  if (!isConfigured(settings)) throw new Error('facebook not configured');
  return new OAuthFlows({ store, platforms: [facebookOAuthPlatform(settings)], now: () => now });
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

/** Start, consent as the user holding `accessToken`, and complete. */
async function connect(accessToken: string, f: OAuthFlows = flows) {
  const { authorizationUrl } = await f.start(startInput);
  const consent = await consentInBrowser(authorizationUrl, { accessToken });
  return f.complete({ caller: STARTER, platform: 'facebook', query: consent.query });
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 6 })).join(' '));
    });
  }
  oauth = await startMetaOAuthServer({
    flavor: 'facebook',
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT],
  });
  // Two Pages per /me/accounts page, so four Pages take two requests.
  graph = await startFacebookGraphServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    maxPageSize: 2,
  });
  dir = makeTempDir('facebook-oauth-');
  store = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
  env = {
    PUBLIC_BASE_URL,
    FACEBOOK_AUTH_URL: oauth.authorizationUrl,
    FACEBOOK_TOKEN_URL: oauth.tokenUrl,
    FACEBOOK_API_URL: graph.apiUrl,
    FACEBOOK_CLIENT_ID: CLIENT_ID,
    FACEBOOK_CLIENT_SECRET: CLIENT_SECRET,
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

describe('Facebook OAuth', () => {
  it('sends the browser to the Facebook Login dialog: code flow, comma-separated Page scopes, no PKCE', async () => {
    const { authorizationUrl, state } = await flows.start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauth.authorizationUrl);
    expect(url.pathname).toBe('/v26.0/dialog/oauth');
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe(
      'pages_show_list,pages_manage_posts,pages_read_engagement,business_management',
    );
    expect(q.get('state')).toBe(state);
    expect(q.has('code_challenge')).toBe(false);
    expect(authorizationUrl).not.toContain(CLIENT_SECRET);
    expect(FACEBOOK_OAUTH.selection).toBe(true);
  });

  it('exchanges the code with the secret in the body, makes the user token long-lived, and lists every Page across paging', async () => {
    const shortLived = secret('EAAShort');
    const pages = [
      page('101', 'Acme Coffee', ADMIN, 'Coffee Shop'),
      page('102', 'Acme Roastery', EDITOR),
      page('103', 'Acme Fans', MODERATOR, 'Community'),
      page('104', 'Acme Careers', ['MANAGE', 'CREATE_CONTENT']),
    ];
    graph.registerUser(shortLived, { id: '5550001', name: 'Ada Lovelace', pages });
    const requestsBefore = graph.requests.length;

    const result = await connect(shortLived);

    // The code exchange: app id and secret in the form body, no Basic header, no PKCE.
    const codeExchange = oauth.tokenRequests.at(-1)!;
    expect(codeExchange).toMatchObject({
      method: 'POST',
      grantType: 'authorization_code',
      clientId: CLIENT_ID,
      clientSecretValid: true,
      authorizationHeader: false,
      redirectUri: REDIRECT,
      status: 200,
    });
    expect(codeExchange.bodyKeys).not.toContain('code_verifier');

    // The long-lived exchange happened with the short-lived token and the app's credentials.
    expect(graph.exchanges.at(-1)).toEqual({
      grantType: 'fb_exchange_token',
      clientId: CLIENT_ID,
      clientSecretValid: true,
      tokenKnown: true,
      status: 200,
    });
    const longLived = graph.longLivedTokens.at(-1)!;
    secrets.push(longLived);
    expect(result.tokens).toEqual({
      accessToken: longLived,
      refreshToken: null,
      expiresIn: LONG_LIVED_SECONDS,
      expiresAt: new Date(now.getTime() + LONG_LIVED_SECONDS * 1000),
      refreshExpiresAt: null,
      scope: [
        'pages_show_list',
        'pages_manage_posts',
        'pages_read_engagement',
        'business_management',
        'public_profile',
      ],
      tokenType: 'bearer',
    });
    expect(result.tokens.accessToken).not.toBe(shortLived);

    // Pages were listed with the long-lived token, in the header, over two cursor pages.
    const accounts = graph.requests.slice(requestsBefore).filter((r) => r.path === 'me/accounts');
    expect(accounts).toHaveLength(2);
    expect(accounts.every((r) => r.tokenKind === 'long-lived' && r.tokenIn === 'header')).toBe(
      true,
    );
    expect(accounts[0].fields?.split(',')).toEqual(
      expect.arrayContaining(['id', 'name', 'category', 'tasks', 'access_token']),
    );
    expect(accounts[1].after).toEqual(expect.any(String));

    const expected: PlatformAccount[] = [
      {
        accountId: '101',
        accountName: 'Acme Coffee',
        accountType: 'page',
        displayName: 'Acme Coffee',
        attributes: { pageRole: 'admin', category: 'Coffee Shop' },
        accountToken: { accessToken: pages[0].access_token, expiresAt: null },
      },
      {
        accountId: '102',
        accountName: 'Acme Roastery',
        accountType: 'page',
        displayName: 'Acme Roastery',
        attributes: { pageRole: 'editor', category: 'Brand' },
        refusal: {
          code: 'INSUFFICIENT_PERMISSIONS',
          reason: expect.stringMatching(
            /^You are an Editor on this Page: only Page admins can connect it\. Ask an admin/,
          ),
        },
      },
      {
        accountId: '103',
        accountName: 'Acme Fans',
        accountType: 'page',
        displayName: 'Acme Fans',
        attributes: { pageRole: 'moderator', category: 'Community' },
        refusal: {
          code: 'INSUFFICIENT_PERMISSIONS',
          reason: expect.stringMatching(
            /^You are a Moderator on this Page: only Page admins can connect it\. Ask an admin/,
          ),
        },
      },
      {
        accountId: '104',
        accountName: 'Acme Careers',
        accountType: 'page',
        displayName: 'Acme Careers',
        attributes: { pageRole: 'admin', category: 'Brand' },
        accountToken: { accessToken: pages[3].access_token, expiresAt: null },
      },
    ];
    expect(result.identities).toEqual(expected);
    // Each admin Page has its own token, distinct from the user's; refused Pages carry none.
    expect(result.identities[0].accountToken!.accessToken).not.toBe(
      result.identities[3].accountToken!.accessToken,
    );
    expect(result.identities.map((a) => a.accountToken?.accessToken)).not.toContain(longLived);
    expect(result.identities.filter((a) => a.refusal).every((a) => !a.accountToken)).toBe(true);
    // Refusals are safe to show: they carry no token.
    const refusals = JSON.stringify(result.identities.map((a) => a.refusal ?? null));
    for (const s of secrets) expect(refusals).not.toContain(s);
  });

  it('uses the lifetime Facebook returns for the long-lived token', async () => {
    const otherGraph = await startFacebookGraphServer({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      longLivedExpiresIn: 4_000_000,
    });
    try {
      const shortLived = secret('EAAShort');
      otherGraph.registerUser(shortLived, {
        id: '5550002',
        name: 'Grace Hopper',
        pages: [page('201', 'Navy', ADMIN)],
      });
      const result = await connect(shortLived, buildFlows({ FACEBOOK_API_URL: otherGraph.apiUrl }));
      secrets.push(...otherGraph.longLivedTokens);
      expect(result.tokens.expiresIn).toBe(4_000_000);
      expect(result.tokens.expiresAt).toEqual(new Date(now.getTime() + 4_000_000 * 1000));
    } finally {
      await otherGraph.stop();
    }
  });

  it('refuses the connection when the user unticked a Page permission in the dialog', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, {
      id: '5550003',
      name: 'Ada',
      pages: [page('301', 'P', ADMIN)],
      granted: ['pages_show_list', 'pages_read_engagement', 'public_profile'],
      declined: ['pages_manage_posts', 'business_management'],
    });
    const error = await errorOf(connect(shortLived));
    secrets.push(graph.longLivedTokens.at(-1)!);
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', transient: false });
    expect(error.message).toContain('pages_manage_posts');
  });

  it('answers an empty list when the user administers no Page at all', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, { id: '5550004', name: 'Nobody', pages: [] });
    const result = await connect(shortLived);
    secrets.push(result.tokens.accessToken);
    expect(result.identities).toEqual([]);
  });

  it('reports an expired short-lived token at the exchange as TOKEN_INVALID: the user must log in again', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, { id: '5550005', name: 'Late', pages: [] });
    graph.invalidateToken(shortLived, 463);
    const error = await errorOf(connect(shortLived));
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({
      code: 'TOKEN_INVALID',
      status: 400,
      transient: false,
      graph: { code: 190, subcode: 463 },
    });
    expect(graph.exchanges.at(-1)).toMatchObject({ grantType: 'fb_exchange_token', status: 400 });
  });

  it('reports a rate-limited exchange as transient, with when to retry', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, { id: '5550006', name: 'Busy', pages: [] });
    graph.scriptResponse(
      shortLived,
      {
        status: 400,
        headers: {
          'X-Business-Use-Case-Usage': JSON.stringify({
            '1': [{ estimated_time_to_regain_access: 12 }],
          }),
        },
        body: graphError('(#4) Application request limit reached', 'OAuthException', 4),
      },
      { path: 'oauth/access_token' },
    );
    const error = await errorOf(connect(shortLived));
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', transient: true });
    expect((error as GraphApiError).retryAt!.getTime()).toBeGreaterThanOrEqual(
      now.getTime() + 12 * 60_000 - 5_000,
    );
  });

  it('reports a Graph outage while listing Pages as transient', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, { id: '5550007', name: 'Unlucky', pages: [] });
    graph.scriptUserResponse(
      '5550007',
      {
        status: 500,
        body: graphError(
          'An unexpected error has occurred. Please retry your request later.',
          'OAuthException',
          2,
        ),
      },
      { path: 'me/accounts' },
    );
    const error = await errorOf(connect(shortLived));
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', status: 500, transient: true });
    expect(graph.requests.at(-1)).toMatchObject({ path: 'me/accounts', tokenKind: 'long-lived' });
  });

  it('reports a Page permission revoked meanwhile as INSUFFICIENT_PERMISSIONS', async () => {
    const shortLived = secret('EAAShort');
    graph.registerUser(shortLived, { id: '5550008', name: 'Revoked', pages: [] });
    graph.scriptUserResponse(
      '5550008',
      {
        status: 403,
        body: graphError('(#200) Requires pages_show_list permission', 'OAuthException', 200),
      },
      { path: 'me/accounts' },
    );
    const error = await errorOf(connect(shortLived));
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
      status: 403,
      transient: false,
      graph: { code: 200 },
    });
  });

  it('refuses a wrong app secret at the code exchange, as Meta does', async () => {
    const error = await errorOf(
      connect(secret('EAAShort'), buildFlows({ FACEBOOK_CLIENT_SECRET: 'not-the-secret' })),
    );
    expect(error).toBeInstanceOf(OAuthTokenError);
    expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', status: 400, transient: false });
    expect(oauth.tokenRequests.at(-1)).toMatchObject({ clientSecretValid: false, status: 400 });
  });

  it('classifies Graph-shaped token endpoint errors: a bad code is final, an outage transient', async () => {
    const cases = [
      {
        status: 400,
        body: graphError('Invalid verification code format.', 'OAuthException', 100, 36007),
        code: 'OAUTH_TOKEN_REJECTED',
        transient: false,
      },
      { status: 503, body: 'Service Unavailable', code: 'PLATFORM_UNAVAILABLE', transient: true },
    ];
    for (const c of cases) {
      const { authorizationUrl } = await flows.start(startInput);
      const consent = await consentInBrowser(authorizationUrl, { accessToken: secret('EAAShort') });
      oauth.failNextTokenRequest(c.status, c.body);
      const error = await errorOf(
        flows.complete({ caller: STARTER, platform: 'facebook', query: consent.query }),
      );
      expect(error).toBeInstanceOf(OAuthTokenError);
      expect(error).toMatchObject({ code: c.code, transient: c.transient, status: c.status });
    }
  });

  it('reports a user who cancelled the Facebook dialog as OAUTH_ACCESS_DENIED', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    expect(consent.query).toMatchObject({ error: 'access_denied', error_reason: 'user_denied' });
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'facebook', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_ACCESS_DENIED', oauthError: 'access_denied' });
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
