import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { makeTempDir } from '@ledger/testing/temp-dir';
import {
  consentInBrowser,
  startXApiServer,
  startXOAuthServer,
  type XApiServer,
  type XOAuthServer,
} from '@ledger/testing/platform-servers';
import {
  OAuthAuthorizationError,
  OAuthCallbackError,
  OAuthFlowNotBoundError,
  OAuthStateError,
  OAuthTokenError,
  PlatformApiError,
  PlatformNotConfiguredError,
} from '../errors';
import { loadPlatformsConfig, type EnvLike } from '../platform-config';
import { definePlatform, type OAuthPlatform } from '../platform-definition';
import { ConfiguredPlatforms } from '../configured-platforms';
import { OAuthFlows, type StartOAuthInput } from './oauth-flows';
/** The starter relays the callback with their bearer (the API verified it). */
const STARTER = { bearer: { userId: 'user-1' } };
import {
  newOAuthState,
  PENDING_AUTHORIZATION_TTL_MS,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { SqlitePendingAuthorizationStore } from './sqlite-pending-authorization-store';

const CLIENT_ID = 'ledger-x-client';
const CLIENT_SECRET = `x-secret-${newOAuthState()}`;
const PUBLIC_BASE_URL = 'https://ledger.example.test';
const X_REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/x/callback`;
const LINKEDIN_REDIRECT = `${PUBLIC_BASE_URL}/v1/oauth/linkedin/callback`;

const ada = { id: '1000', name: 'Ada Lovelace', username: 'ada', verified_type: 'blue' as const };

const startInput: StartOAuthInput = {
  platform: 'x',
  userId: 'user-1',
  workspaceId: 'ws-1',
  intent: { kind: 'connect' },
  actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
};

/** Every PKCE verifier the flows created, to look for them where they must not be. */
const savedVerifiers: string[] = [];

/** Records the verifiers it stores, and can corrupt what it hands back. */
class RecordingStore implements PendingAuthorizationStore {
  tamper: ((p: PendingAuthorization) => PendingAuthorization) | null = null;
  constructor(private readonly inner: PendingAuthorizationStore) {}
  async save(p: PendingAuthorization): Promise<void> {
    if (p.codeVerifier) savedVerifiers.push(p.codeVerifier);
    await this.inner.save(p);
  }
  async take(state: string, now: Date): Promise<PendingAuthorization | null> {
    const p = await this.inner.take(state, now);
    return p && this.tamper ? this.tamper(p) : p;
  }
  cancelWorkspace(workspaceId: string): Promise<number> {
    return this.inner.cancelWorkspace(workspaceId);
  }
}

let oauthServer: XOAuthServer;
let xApi: XApiServer;
let dir: { path: string; remove(): void };
let sqlite: SqlitePendingAuthorizationStore;
let store: RecordingStore;
let env: EnvLike;
let now: Date;
let flows: OAuthFlows;
const issuedTokens: string[] = [];
const seenErrors: unknown[] = [];
const consoleOutput: string[] = [];

function token(): string {
  const value = `x-access-${newOAuthState()}`;
  issuedTokens.push(value);
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

function buildFlows(
  platforms: OAuthPlatform[],
  pendingStore: PendingAuthorizationStore = store,
): OAuthFlows {
  return new OAuthFlows({ store: pendingStore, platforms, now: () => now });
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 6 })).join(' '));
    });
  }
  oauthServer = await startXOAuthServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [X_REDIRECT, LINKEDIN_REDIRECT],
  });
  xApi = await startXApiServer();
  dir = makeTempDir('oauth-flows-');
  sqlite = SqlitePendingAuthorizationStore.open({ sqlitePath: join(dir.path, 'ledger.db') });
  env = {
    PUBLIC_BASE_URL,
    X_AUTH_URL: oauthServer.authorizationUrl,
    X_TOKEN_URL: oauthServer.tokenUrl,
    X_API_URL: xApi.baseUrl,
    X_CLIENT_ID: CLIENT_ID,
    X_CLIENT_SECRET: CLIENT_SECRET,
  };
});

beforeEach(() => {
  now = new Date();
  store = new RecordingStore(sqlite);
  flows = buildFlows(ConfiguredPlatforms.fromConfig(loadPlatformsConfig(env)).connectable);
});

afterAll(async () => {
  sqlite?.close();
  dir?.remove();
  await Promise.all([oauthServer?.stop(), xApi?.stop()]);
  jest.restoreAllMocks();
});

describe('OAuthFlows.start', () => {
  it('sends the browser to X with code flow, exact redirect URI, offline.access, 256-bit state and S256 PKCE', async () => {
    const { authorizationUrl, state } = await flows.start(startInput);
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(oauthServer.authorizationUrl);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(X_REDIRECT);
    expect(q.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['offline.access', 'users.read', 'tweet.read']),
    );
    expect(q.get('state')).toBe(state);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl).not.toContain(CLIENT_SECRET);
    expect(savedVerifiers.length).toBeGreaterThan(0);
    expect(authorizationUrl).not.toContain(savedVerifiers.at(-1));
  });

  it('uses a fresh state and verifier for every flow', async () => {
    const a = await flows.start(startInput);
    const b = await flows.start(startInput);
    expect(a.state).not.toBe(b.state);
    expect(new URL(a.authorizationUrl).searchParams.get('code_challenge')).not.toBe(
      new URL(b.authorizationUrl).searchParams.get('code_challenge'),
    );
  });

  it('refuses a platform that has no configuration', async () => {
    const error = await errorOf(flows.start({ ...startInput, platform: 'tiktok' }));
    expect(error).toBeInstanceOf(PlatformNotConfiguredError);
  });
});

describe('OAuthFlows.complete', () => {
  it('exchanges the code with the PKCE verifier over HTTP Basic and returns tokens and the X identity', async () => {
    const accessToken = token();
    xApi.registerToken(accessToken, ada);
    const { authorizationUrl } = await flows.start({
      ...startInput,
      intent: { kind: 'reconnect', connectionId: 'conn-7' },
    });
    const consent = await consentInBrowser(authorizationUrl, { accessToken });
    expect(consent.callbackUrl).toBe(X_REDIRECT);

    const result = await flows.complete({ caller: STARTER, platform: 'x', query: consent.query });

    expect(result.tokens).toEqual({
      accessToken,
      refreshToken: expect.any(String),
      expiresIn: 7200,
      refreshExpiresAt: null,
      expiresAt: new Date(now.getTime() + 7200 * 1000),
      scope: expect.arrayContaining(['offline.access']),
      tokenType: 'bearer',
    });
    expect(result.identities).toEqual([
      {
        accountId: '1000',
        accountName: 'ada',
        accountType: 'premium',
        displayName: 'Ada Lovelace',
      },
    ]);
    expect(result.pending).toEqual({
      state: consent.query.state,
      platform: 'x',
      userId: 'user-1',
      workspaceId: 'ws-1',
      intent: { kind: 'reconnect', connectionId: 'conn-7' },
      actor: startInput.actor,
      createdAt: now,
      expiresAt: new Date(now.getTime() + PENDING_AUTHORIZATION_TTL_MS),
    });
    expect(result.pending).not.toHaveProperty('codeVerifier');
    issuedTokens.push(result.tokens.refreshToken!);

    const exchange = (await oauthServer.tokenRequests()).at(-1)!;
    expect(exchange.grantType).toBe('authorization_code');
    expect(exchange.basicClientId).toBe(CLIENT_ID);
    expect(exchange.bodyKeys).toContain('code_verifier');
    expect(exchange.bodyKeys).not.toContain('client_secret');
  });

  it('completes on another process than the one that started the flow (no session)', async () => {
    const accessToken = token();
    xApi.registerToken(accessToken, { ...ada, verified_type: 'business' });
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken });

    const otherConnection = SqlitePendingAuthorizationStore.open({
      sqlitePath: join(dir.path, 'ledger.db'),
    });
    try {
      const otherProcess = buildFlows(
        ConfiguredPlatforms.fromConfig(loadPlatformsConfig(env)).connectable,
        otherConnection,
      );
      const result = await otherProcess.complete({
        caller: STARTER,
        platform: 'x',
        query: consent.query,
      });
      expect(result.identities[0]).toMatchObject({ accountId: '1000', accountType: 'business' });
    } finally {
      otherConnection.close();
    }
  });

  it('hands back whose flow it was, so the API can refuse a callback for another user or workspace', async () => {
    const accessToken = token();
    xApi.registerToken(accessToken, ada);
    const { authorizationUrl, browserBinding } = await flows.start({
      ...startInput,
      userId: 'user-2',
      workspaceId: 'ws-2',
      intent: { kind: 'copy', sourceWorkspaceId: 'ws-1', sourceConnectionId: 'conn-1' },
    });
    const consent = await consentInBrowser(authorizationUrl, { accessToken });
    const { pending } = await flows.complete({
      caller: { browserBinding },
      platform: 'x',
      query: consent.query,
    });
    expect(pending).toMatchObject({
      userId: 'user-2',
      workspaceId: 'ws-2',
      intent: { kind: 'copy', sourceWorkspaceId: 'ws-1', sourceConnectionId: 'conn-1' },
    });
  });

  it('refuses a replayed state without calling the token endpoint again', async () => {
    const accessToken = token();
    xApi.registerToken(accessToken, ada);
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken });
    await flows.complete({ caller: STARTER, platform: 'x', query: consent.query });
    const exchanges = (await oauthServer.tokenRequests()).length;

    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(error).toBeInstanceOf(OAuthStateError);
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'unknown' });
    expect(await oauthServer.tokenRequests()).toHaveLength(exchanges);
  });

  it('refuses a forged state, and the genuine flow still completes afterwards', async () => {
    const accessToken = token();
    xApi.registerToken(accessToken, ada);
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken });

    const error = await errorOf(
      flows.complete({
        caller: STARTER,
        platform: 'x',
        query: { ...consent.query, state: newOAuthState() },
      }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'unknown' });
    await expect(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    ).resolves.toMatchObject({
      identities: [{ accountId: '1000' }],
    });
  });

  it('refuses a state once its 10 minutes are over', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
    const exchanges = (await oauthServer.tokenRequests()).length;
    now = new Date(now.getTime() + PENDING_AUTHORIZATION_TTL_MS);

    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'unknown' });
    expect(await oauthServer.tokenRequests()).toHaveLength(exchanges);
  });

  it("refuses a state issued for another platform's flow (mix-up), and that flow is dead too", async () => {
    const config = loadPlatformsConfig({
      ...env,
      LINKEDIN_AUTH_URL: oauthServer.authorizationUrl,
      LINKEDIN_TOKEN_URL: oauthServer.tokenUrl,
      LINKEDIN_CLIENT_ID: CLIENT_ID,
      LINKEDIN_CLIENT_SECRET: CLIENT_SECRET,
    });
    const linkedin: OAuthPlatform = {
      definition: definePlatform(
        {
          platform: 'linkedin',
          scopes: ['openid'],
          scopeSeparator: ' ',
          pkce: true,
          tokenEndpointAuth: 'client_secret_basic',
          selection: false,
        },
        { ...config.platforms.linkedin, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      ),
      identityClient: { platform: 'linkedin', fetchIdentities: async () => [] },
    };
    flows = buildFlows([...ConfiguredPlatforms.fromConfig(config).connectable, linkedin]);
    const linkedinFlow = await flows.start({ ...startInput, platform: 'linkedin' });
    const xFlow = await flows.start(startInput);
    const xConsent = await consentInBrowser(xFlow.authorizationUrl, { accessToken: token() });

    const error = await errorOf(
      flows.complete({
        caller: STARTER,
        platform: 'x',
        query: { code: xConsent.query.code, state: linkedinFlow.state },
      }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'platform_mismatch' });

    const linkedinConsent = await consentInBrowser(linkedinFlow.authorizationUrl);
    const again = await errorOf(
      flows.complete({ caller: STARTER, platform: 'linkedin', query: linkedinConsent.query }),
    );
    expect(again).toMatchObject({ problem: 'unknown' });
  });

  it('sends the stored PKCE verifier: a wrong or missing one is rejected by the token endpoint', async () => {
    for (const codeVerifier of [newOAuthState(), null]) {
      const { authorizationUrl } = await flows.start(startInput);
      const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
      store.tamper = (p) => ({ ...p, codeVerifier });

      const error = await errorOf(
        flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
      );
      expect(error).toBeInstanceOf(OAuthTokenError);
      expect(error).toMatchObject({ code: 'OAUTH_TOKEN_REJECTED', transient: false, status: 400 });
      if (codeVerifier) expect(inspect(error)).not.toContain(codeVerifier);
    }
  });

  it('reports a user who declined at X, with whose flow it was, and burns the state', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { deny: true });
    expect(consent.query).toMatchObject({ error: 'access_denied' });
    expect(consent.query).not.toHaveProperty('code');

    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(error).toBeInstanceOf(OAuthAuthorizationError);
    expect(error).toMatchObject({
      code: 'OAUTH_ACCESS_DENIED',
      oauthError: 'access_denied',
      binding: { userId: 'user-1', workspaceId: 'ws-1', intent: { kind: 'connect' } },
    });
    expect((error as OAuthAuthorizationError).binding).not.toHaveProperty('codeVerifier');
    const again = await errorOf(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(again).toMatchObject({ code: 'OAUTH_STATE_INVALID' });
  });

  it('reports other authorization errors, transient when the platform says so, without echoing odd text', async () => {
    const cases = [
      {
        error: 'server_error',
        code: 'OAUTH_AUTHORIZATION_FAILED',
        oauthError: 'server_error',
        transient: true,
      },
      {
        error: 'invalid_scope',
        code: 'OAUTH_AUTHORIZATION_FAILED',
        oauthError: 'invalid_scope',
        transient: false,
      },
      {
        error: '<script>x</script>',
        code: 'OAUTH_AUTHORIZATION_FAILED',
        oauthError: 'unrecognized_error',
        transient: false,
      },
    ];
    for (const c of cases) {
      const { state } = await flows.start(startInput);
      const error = await errorOf(
        flows.complete({ caller: STARTER, platform: 'x', query: { error: c.error, state } }),
      );
      expect(error).toMatchObject({
        code: c.code,
        oauthError: c.oauthError,
        transient: c.transient,
      });
      expect(error.message).not.toContain('<script>');
    }
  });

  it('does not trust an error response carrying a forged state', async () => {
    const error = await errorOf(
      flows.complete({
        caller: STARTER,
        platform: 'x',
        query: { error: 'access_denied', state: newOAuthState() },
      }),
    );
    expect(error).toMatchObject({ code: 'OAUTH_STATE_INVALID', problem: 'unknown' });
  });

  it('refuses callbacks without a code or without a state', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
    expect(
      await errorOf(
        flows.complete({ caller: STARTER, platform: 'x', query: { state: consent.query.state } }),
      ),
    ).toBeInstanceOf(OAuthCallbackError);
    expect(
      await errorOf(
        flows.complete({ caller: STARTER, platform: 'x', query: { code: consent.query.code } }),
      ),
    ).toMatchObject({
      code: 'OAUTH_STATE_INVALID',
      problem: 'missing',
    });
  });

  it('classifies a refused grant as final and a token endpoint outage as transient', async () => {
    const cases = [
      {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Value passed was invalid' },
        transient: false,
        oauthError: 'invalid_grant',
      },
      {
        status: 503,
        body: { error: 'temporarily_unavailable' },
        transient: true,
        oauthError: 'temporarily_unavailable',
      },
      { status: 502, body: 'Bad Gateway', transient: true, oauthError: null },
    ];
    for (const c of cases) {
      const { authorizationUrl } = await flows.start(startInput);
      const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
      await oauthServer.failNextTokenRequest(c.status, c.body);

      const error = await errorOf(
        flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
      );
      expect(error).toBeInstanceOf(OAuthTokenError);
      expect(error).toMatchObject({
        code: c.transient ? 'PLATFORM_UNAVAILABLE' : 'OAUTH_TOKEN_REJECTED',
        transient: c.transient,
        status: c.status,
        oauthError: c.oauthError,
      });
    }
  });

  it('treats an unreachable token endpoint as transient', async () => {
    const unreachable = buildFlows(
      ConfiguredPlatforms.fromConfig(
        loadPlatformsConfig({ ...env, X_TOKEN_URL: await closedPortUrl() }),
      ).connectable,
    );
    const { authorizationUrl } = await unreachable.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() });
    const error = await errorOf(
      unreachable.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(error).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', transient: true, status: null });
  });

  it('fails with the identity error when X does not accept the fresh token', async () => {
    const { authorizationUrl } = await flows.start(startInput);
    const consent = await consentInBrowser(authorizationUrl, { accessToken: token() }); // never registered at the API
    const error = await errorOf(
      flows.complete({ caller: STARTER, platform: 'x', query: consent.query }),
    );
    expect(error).toBeInstanceOf(PlatformApiError);
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
  });
});

describe('OAuthFlows.complete binds the flow to the browser or user that started it', () => {
  async function consented() {
    const accessToken = token();
    xApi.registerToken(accessToken, ada);
    const started = await flows.start(startInput);
    const consent = await consentInBrowser(started.authorizationUrl, { accessToken });
    return { ...started, query: consent.query };
  }

  it('refuses a callback with neither the cookie nor a bearer, before exchanging the code, and burns the state', async () => {
    const flow = await consented();
    const exchangesBefore = (await oauthServer.tokenRequests()).length;
    const error = await errorOf(flows.complete({ caller: {}, platform: 'x', query: flow.query }));
    expect(error).toBeInstanceOf(OAuthFlowNotBoundError);
    expect(error).toMatchObject({ code: 'OAUTH_FLOW_NOT_BOUND', reason: 'another_browser' });
    expect((await oauthServer.tokenRequests()).length).toBe(exchangesBefore);
    const again = await errorOf(
      flows.complete({
        caller: { browserBinding: flow.browserBinding },
        platform: 'x',
        query: flow.query,
      }),
    );
    expect(again).toMatchObject({ code: 'OAUTH_STATE_INVALID' });
  });

  it("refuses another flow's cookie, and another user's bearer even with the right cookie", async () => {
    const other = await flows.start(startInput);
    const flow = await consented();
    const foreign = await errorOf(
      flows.complete({
        caller: { browserBinding: other.browserBinding },
        platform: 'x',
        query: flow.query,
      }),
    );
    expect(foreign).toMatchObject({ code: 'OAUTH_FLOW_NOT_BOUND', reason: 'another_browser' });

    const second = await consented();
    const intruder = await errorOf(
      flows.complete({
        caller: { browserBinding: second.browserBinding, bearer: { userId: 'user-9' } },
        platform: 'x',
        query: second.query,
      }),
    );
    expect(intruder).toMatchObject({ code: 'OAUTH_FLOW_NOT_BOUND', reason: 'another_user' });
  });

  it('completes for the browser holding the cookie, and for the starter relaying with a bearer', async () => {
    const byCookie = await consented();
    await expect(
      flows.complete({
        caller: { browserBinding: byCookie.browserBinding },
        platform: 'x',
        query: byCookie.query,
      }),
    ).resolves.toMatchObject({ pending: { userId: 'user-1' } });
    const byBearer = await consented();
    await expect(
      flows.complete({
        caller: { bearer: { userId: 'user-1' } },
        platform: 'x',
        query: byBearer.query,
      }),
    ).resolves.toMatchObject({ pending: { userId: 'user-1' } });
  });
});

describe('secrets', () => {
  it('appear in no error and no console output of the flows above', () => {
    expect(seenErrors.length).toBeGreaterThan(10);
    expect(savedVerifiers.length).toBeGreaterThan(10);
    expect(issuedTokens.length).toBeGreaterThan(10);
    const texts = [
      ...seenErrors.map((e) => `${String(e)}\n${inspect(e, { depth: 6 })}\n${JSON.stringify(e)}`),
      ...consoleOutput,
    ].join('\n');
    for (const secret of [CLIENT_SECRET, ...issuedTokens, ...savedVerifiers]) {
      expect(texts).not.toContain(secret);
    }
  });
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/2/oauth2/token`;
}
