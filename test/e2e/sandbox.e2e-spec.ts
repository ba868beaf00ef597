import { NotFoundException } from '@nestjs/common';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import request from 'supertest';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { DEFAULT_PLATFORM_URLS } from '@ledger/platforms';
import { missingProductionSecrets, type AppConfig, Sandbox, TOKEN_VAULT } from '@ledger/runtime';
import type { TokenVault } from '@ledger/token-vault';
import { SandboxController } from '../../apps/api/src/sandbox/sandbox.controller';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import { cookiesSetBy } from '../support/browser-cookies';

interface Connection {
  id: string;
  platform: string;
  accountId: string;
  accountName: string;
  accountType: string;
  status: string;
  version: number;
}

describe('the sandbox for a local run: no platform credentials, not production', () => {
  let ledger: LedgerTestApp;
  let base: string;
  let owner: string;
  const WS = 'ws-sandbox';
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    ledger = await startLedgerApp({
      platformFakesEnv: false,
      reachablePublicBaseUrl: true,
      // More clicks through the sandbox than the hourly attempt limit lets one user make.
      env: { CONNECTION_ATTEMPTS_PER_HOUR: '100' },
    });
    base = ledger.config.publicBaseUrl;
    owner = ledger.token({ [WS]: 'owner' });
  });
  afterAll(() => ledger.close());

  /** POST the start route; the answer says the platform runs in the sandbox. */
  async function start(platform: Platform, body: object = {}): Promise<string> {
    return (await startInBrowser(platform, body)).authorizationUrl;
  }

  /** The start, and the binding cookie it set in the browser. */
  async function startInBrowser(platform: Platform, body: object = {}) {
    const started = await api()
      .post(`/v1/workspaces/${WS}/connections/oauth/${platform}`)
      .set(as(owner))
      .send(body)
      .expect(201);
    expect(started.body.sandbox).toBe(true);
    expect(started.body.authorizationUrl).toMatch(
      new RegExp(`^${base.replace(/\./g, '\\.')}/sandbox/${platform}/authorize\\?`),
    );
    return {
      authorizationUrl: started.body.authorizationUrl as string,
      cookie: cookiesSetBy(started),
    };
  }

  /** The browser at the sandbox's consent page, approving: the query it is sent back with. */
  async function approve(platform: Platform, authorizationUrl: string) {
    const url = new URL(authorizationUrl);
    url.searchParams.set('approve', '1');
    const consent = await fetch(url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(`${base}/v1/oauth/${platform}/callback`);
    expect(back.searchParams.get('state')).toBe(url.searchParams.get('state'));
    return Object.fromEntries(back.searchParams);
  }

  async function connect(platform: Platform, body: object = {}) {
    const { authorizationUrl, cookie } = await startInBrowser(platform, body);
    const query = await approve(platform, authorizationUrl);
    return api().get(`/v1/oauth/${platform}/callback`).set('Cookie', cookie).query(query);
  }

  async function choose(selectionId: string, accountIds: string[]) {
    return api()
      .post(`/v1/workspaces/${WS}/connections/selections/${selectionId}`)
      .set(as(owner))
      .send({ accountIds });
  }

  it('runs every platform in the sandbox, and says so once in the log', () => {
    expect(ledger.app.get(Sandbox).platforms.sort()).toEqual([...PLATFORMS].sort());
    const lines = ledger.logs.lines.filter((line) => /^warn .*sandbox/i.test(line));
    expect(lines).toHaveLength(1);
    for (const platform of PLATFORMS) expect(lines[0]).toContain(platform);
  });

  it('shows a consent page clearly titled SANDBOX, with an Approve link', async () => {
    const page = await fetch(await start('x'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>SANDBOX — not X</title>');
    expect(html).toMatch(/href="\?[^"]*approve=1"[^>]*>Approve</);
    expect(html).toContain('@SandboxStudio');
  });

  it('connects X (a Premium account), then reconnects the same connection', async () => {
    const connected = await connect('x');
    expect(connected.status).toBe(200);
    const [connection] = connected.body.connections as Connection[];
    expect(connection).toMatchObject({
      platform: 'x',
      accountName: 'SandboxStudio',
      accountType: 'premium',
      status: 'active',
    });

    const reconnected = await connect('x', { reconnectConnectionId: connection.id });
    expect(reconnected.status).toBe(200);
    expect(reconnected.body.connections[0]).toMatchObject({
      id: connection.id,
      status: 'active',
      version: connection.version + 1,
    });
  });

  it('a refused callback revokes its tokens in the sandbox, as the real X would', async () => {
    // The same sandbox account again: refused, and the flow's new tokens have no use left.
    const again = await connect('x');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_CONNECTED');
    expect(ledger.logs.lines).toContainEqual(
      expect.stringMatching(/tokens of a refused x flow \(ALREADY_CONNECTED\): revoked( |$)/),
    );
  });

  it('offers the Facebook Pages: two Admin Pages connectable, the Editor Page not; connects one', async () => {
    const callback = await connect('facebook');
    expect(callback.status).toBe(200);
    const { selection } = callback.body;
    expect(selection.accounts).toEqual([
      expect.objectContaining({ accountName: 'Sandbox Bakery', connectable: true }),
      expect.objectContaining({ accountName: 'Sandbox Bookshop', connectable: true }),
      expect.objectContaining({
        accountName: 'Sandbox Fan Club',
        connectable: false,
        reason: expect.stringMatching(/Editor/),
      }),
    ]);
    const chosen = await choose(selection.id, [selection.accounts[0].accountId]);
    expect(chosen.status).toBe(200);
    expect(chosen.body.connections[0]).toMatchObject({
      platform: 'facebook',
      accountName: 'Sandbox Bakery',
      accountType: 'page',
      status: 'active',
    });
  });

  it('connects the Instagram business account, then its Threads profile linked to it', async () => {
    const ig = await connect('instagram');
    expect(ig.status).toBe(200);
    expect(ig.body.connections[0]).toMatchObject({
      platform: 'instagram',
      accountName: 'sandbox.studio',
      accountType: 'business',
    });
    const threads = await connect('threads');
    expect(threads.status).toBe(200);
    expect(threads.body.connections[0]).toMatchObject({
      platform: 'threads',
      accountName: 'sandbox.studio',
      status: 'active',
    });
  });

  it('connects the TikTok business account', async () => {
    const tiktok = await connect('tiktok');
    expect(tiktok.status).toBe(200);
    expect(tiktok.body.connections[0]).toMatchObject({
      platform: 'tiktok',
      accountType: 'business',
      status: 'active',
    });
  });

  it('offers the LinkedIn profile and the administered company page; connects the page', async () => {
    const callback = await connect('linkedin');
    expect(callback.status).toBe(200);
    const { selection } = callback.body;
    expect(selection.accounts).toEqual([
      expect.objectContaining({ accountType: 'personal', accountName: 'Sandbox Sam' }),
      expect.objectContaining({
        accountType: 'company',
        accountName: 'Sandbox Corp',
        connectable: true,
      }),
    ]);
    const chosen = await choose(selection.id, [selection.accounts[1].accountId]);
    expect(chosen.status).toBe(200);
    expect(chosen.body.connections[0]).toMatchObject({
      platform: 'linkedin',
      accountType: 'company',
      accountName: 'Sandbox Corp',
    });
  });

  it('lists one connection per platform, every one named as a sandbox account', async () => {
    const list = (await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner)).expect(200))
      .body as Connection[];
    expect(list.map((c) => c.platform).sort()).toEqual([...PLATFORMS].sort());
    for (const connection of list) {
      expect(connection.accountName).toMatch(/^sandbox/i);
      expect(connection.status).toBe('active');
    }
  });

  it('a disconnect revokes where the real platform would: the sandbox forgets the X tokens', async () => {
    const list = (await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body;
    const byPlatform = (p: string) => (list as Connection[]).find((c) => c.platform === p)!;
    const x = byPlatform('x');
    const tokens = await ledger.app
      .get<TokenVault>(TOKEN_VAULT)
      .read({ workspaceId: WS, connectionId: x.id });
    const grants = ledger.app.get(Sandbox).grants;
    expect(grants.accessGrant('x', tokens!.accessToken)).not.toBeNull();

    const revoked = await api()
      .delete(`/v1/workspaces/${WS}/connections/${x.id}`)
      .set(as(owner))
      .expect(200);
    expect(revoked.body.revocation).toEqual({ status: 'revoked', detail: null });
    expect(grants.accessGrant('x', tokens!.accessToken)).toBeNull();

    // LinkedIn offers no revocation; its sandbox does not pretend otherwise.
    const notOffered = await api()
      .delete(`/v1/workspaces/${WS}/connections/${byPlatform('linkedin').id}`)
      .set(as(owner))
      .expect(200);
    expect(notOffered.body.revocation.status).toBe('not_offered');
  });

  it('shows an open selection’s accounts again to the user who started it, and to no one else', async () => {
    const { selection } = (await connect('facebook')).body;
    const path = `/v1/workspaces/${WS}/connections/selections/${selection.id}`;
    const again = await api().get(path).set(as(owner)).expect(200);
    // What the callback offered, and nothing of the vault's (no token references).
    expect(again.body).toEqual({
      id: selection.id,
      expiresAt: selection.expiresAt,
      accounts: selection.accounts,
    });
    const colleague = ledger.token({ [WS]: 'owner' }, 'user-2');
    const refused = await api().get(path).set(as(colleague)).expect(404);
    expect(refused.body.code).toBe('NOT_FOUND');
    // Reading it does not use it up: the user who started it can still choose.
    await api().get(path).set(as(owner)).expect(200);
  });

  it('refuses a foreign redirect URI or client at the authorize endpoint, without redirecting', async () => {
    const url = new URL(await start('facebook'));
    url.searchParams.set('approve', '1');
    const foreign = new URL(url);
    foreign.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const refused = await fetch(foreign, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    const wrongClient = new URL(url);
    wrongClient.searchParams.set('client_id', 'someone-else');
    expect((await fetch(wrongClient, { redirect: 'manual' })).status).toBe(400);
  });

  it('checks client credentials, takes each code once, and checks the PKCE verifier', async () => {
    const sandbox = ledger.app.get(Sandbox);
    const redirectUri = `${base}/v1/oauth/facebook/callback`;
    const fb = sandbox.client('facebook')!;
    const exchange = (code: string, secret = fb.secret) =>
      api().post('/sandbox/facebook/token').type('form').send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: fb.id,
        client_secret: secret,
      });
    const { code } = await approve('facebook', await start('facebook'));
    expect((await exchange(code, 'not-the-secret')).body.error).toBe('invalid_client');
    const granted = await exchange(code);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect((await exchange(code)).body.error).toBe('invalid_grant');

    // The sandbox's Facebook token means nothing to its Instagram.
    const elsewhere = await api()
      .get('/sandbox/instagram/api/me')
      .set('Authorization', `Bearer ${granted.body.access_token}`);
    expect(elsewhere.body.error.code).toBe(190);

    const x = sandbox.client('x')!;
    const xCode = (await approve('x', await start('x'))).code;
    const badVerifier = await api()
      .post('/sandbox/x/token')
      .auth(x.id, x.secret)
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: xCode,
        redirect_uri: `${base}/v1/oauth/x/callback`,
        code_verifier: randomBytes(32).toString('base64url'),
      });
    expect(badVerifier.status).toBe(400);
    expect(badVerifier.body.error).toBe('invalid_grant');
  });

  it('keeps the sandbox out of the OpenAPI document', async () => {
    const document = (await api().get('/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).filter((path) => path.includes('sandbox'))).toEqual([]);
  });

  it('never writes a sandbox client secret to the logs', () => {
    const sandbox = ledger.app.get(Sandbox);
    for (const platform of PLATFORMS) {
      expect(ledger.logs.text).not.toContain(sandbox.client(platform)!.secret);
    }
  });
});

describe('the sandbox in production', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-prod';
  const credentials = Object.fromEntries(
    PLATFORMS.flatMap((platform) => {
      const prefix = platform.toUpperCase();
      return [
        [`${prefix}_CLIENT_ID`, `${platform}-prod-client-${randomBytes(4).toString('hex')}`],
        [`${prefix}_CLIENT_SECRET`, randomBytes(24).toString('base64url')],
      ];
    }),
  );

  beforeAll(async () => {
    ledger = await startLedgerApp({
      platformFakesEnv: false,
      reachablePublicBaseUrl: true,
      env: {
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'der' })
          .toString('base64'),
        ...credentials,
      },
    });
  });
  afterAll(() => ledger.close());

  it('starts as production would (no missing secret) with no sandbox platform', () => {
    expect(ledger.config.isProduction).toBe(true);
    expect(missingProductionSecrets(ledger.config)).toEqual([]);
    expect(ledger.app.get(Sandbox).platforms).toEqual([]);
    expect(ledger.logs.text).not.toMatch(/sandbox/i);
  });

  it.each(PLATFORMS)('answers 404 on every sandbox route of %s', async (platform) => {
    const api = () => request(ledger.server);
    expect((await api().get(`/sandbox/${platform}/authorize?approve=1`)).status).toBe(404);
    expect((await api().post(`/sandbox/${platform}/token`).send({})).status).toBe(404);
    expect((await api().get(`/sandbox/${platform}/api/me`)).status).toBe(404);
  });

  it.each(PLATFORMS)('keeps the configured, real URLs of %s', async (platform) => {
    const started = await request(ledger.server)
      .post(`/v1/workspaces/${WS}/connections/oauth/${platform}`)
      .set('Authorization', `Bearer ${ledger.token({ [WS]: 'owner' })}`)
      .send({})
      .expect(201);
    expect(started.body.sandbox).toBeUndefined();
    const url = new URL(started.body.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(DEFAULT_PLATFORM_URLS[platform].auth);
    const clientIdParameter = platform === 'tiktok' ? 'client_key' : 'client_id';
    expect(url.searchParams.get(clientIdParameter)).toBe(
      credentials[`${platform.toUpperCase()}_CLIENT_ID`],
    );
  });

  it('the controller itself refuses in production, even if it were registered', () => {
    const developmentConfig = { ...ledger.config, isProduction: false } as AppConfig;
    const unconfigured = {
      ...developmentConfig,
      platforms: Object.fromEntries(PLATFORMS.map((p) => [p, {}])),
    } as AppConfig;
    const sandbox = Sandbox.forConfig(unconfigured);
    expect(sandbox.platforms).toHaveLength(PLATFORMS.length);
    const controller = new SandboxController(ledger.config, sandbox);
    const req = {
      method: 'GET',
      path: '/sandbox/x/authorize',
      originalUrl: '/sandbox/x/authorize',
    };
    expect(() => controller.authorize('x', req as never, {} as never)).toThrow(NotFoundException);
    expect(Sandbox.forConfig(ledger.config).platforms).toEqual([]);
  });
});

describe('a platform with credentials outside production', () => {
  let ledger: LedgerTestApp;
  beforeAll(async () => {
    ledger = await startLedgerApp();
  });
  afterAll(() => ledger.close());

  it('is not sandboxed: its sandbox routes answer 404 and the start answer has no sandbox flag', async () => {
    expect(ledger.app.get(Sandbox).platforms).toEqual([]);
    await request(ledger.server).get('/sandbox/x/authorize?approve=1').expect(404);
    const started = await request(ledger.server)
      .post('/v1/workspaces/ws-real/connections/oauth/x')
      .set('Authorization', `Bearer ${ledger.token({ 'ws-real': 'owner' })}`)
      .send({})
      .expect(201);
    expect(started.body).not.toHaveProperty('sandbox');
  });
});
