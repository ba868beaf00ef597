import request from 'supertest';
import { systemContext, WorkspaceCommands } from '@ledger/commands';
import type { ConnectionTokens, TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];
const ADMIN_TASKS = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'];

interface Connection {
  id: string;
  platform: string;
}

describe.each(BACKENDS)('breach response, read models in %s', (readModels) => {
  let ledger: LedgerTestApp;
  const WS = 'ws-breach';
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);
  let owner: string;
  let admin: string;
  let editor: string;
  let auditor: string;
  let connections: Connection[];
  const held = new Map<string, ConnectionTokens>();
  let pageToken: string;
  const bodies: unknown[] = [];

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels });
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    admin = ledger.token({ [WS]: 'admin' }, 'admin-1');
    editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');

    await ledger.connectX(WS, owner, { id: '7001', name: 'Breached', username: 'breached' });
    const tiktok = await ledger.connect('tiktok', WS, owner, {
      open_id: 'tt-open-breach',
      display_name: 'Acme TT',
      username: 'acmett',
      is_business_account: true,
    });
    expect(tiktok.status).toBe(200);
    pageToken = `EAAPage-breach-${Math.random().toString(36).slice(2)}`;
    ledger.secrets.push(pageToken);
    const fb = await ledger.connect('facebook', WS, owner, {
      id: 'fb-user-breach',
      name: 'Pat',
      pages: [{ id: '4455667788', name: 'Acme Page', tasks: ADMIN_TASKS, access_token: pageToken }],
    });
    const fbSelection = fb.body.selection as { id: string } | undefined;
    if (fbSelection) {
      await api()
        .post(`/v1/workspaces/${WS}/connections/selections/${fbSelection.id}`)
        .set(as(owner))
        .send({ accountIds: ['4455667788'] })
        .expect(200);
    }
    const li = await ledger.connect('linkedin', WS, owner, {
      userinfo: { sub: 'li-breach', name: 'Lee' },
      roles: [],
    });
    const liSelection = li.body.selection as { id: string; accounts: { accountId: string }[] };
    if (liSelection) {
      await api()
        .post(`/v1/workspaces/${WS}/connections/selections/${liSelection.id}`)
        .set(as(owner))
        .send({ accountIds: [liSelection.accounts[0]!.accountId] })
        .expect(200);
    }
    connections = (await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner)).expect(200))
      .body;
    expect(connections.map((c) => c.platform).sort()).toEqual([
      'facebook',
      'linkedin',
      'tiktok',
      'x',
    ]);
    for (const c of connections) {
      const tokens = await vault().read({ workspaceId: WS, connectionId: c.id });
      expect(tokens).not.toBeNull();
      held.set(c.id, tokens!);
      ledger.secrets.push(tokens!.accessToken);
      if (tokens!.refreshToken) ledger.secrets.push(tokens!.refreshToken);
    }

    // One post published through X in the window, one still pending.
    const published = await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(editor))
      .send({ platform: 'x', content: 'Already out', publishAt: '2027-01-01T09:00:00Z' })
      .expect(201);
    await ledger.app.get(WorkspaceCommands).execute(
      {
        type: 'RecordPostPublished',
        workspaceId: WS,
        postId: published.body.id,
        platformPostId: '1850000000000000999',
        now: new Date().toISOString(),
      },
      systemContext('test: published'),
    );
    await api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set(as(editor))
      .send({ platform: 'x', content: 'Still pending', publishAt: '2027-02-01T09:00:00Z' })
      .expect(201);
  });
  afterAll(() => ledger.close());

  const byPlatform = (platform: string) => connections.find((c) => c.platform === platform)!;

  it('refuses editors and auditors (403) and a bad body (400 problem+json)', async () => {
    for (const token of [editor, auditor]) {
      const refused = await api()
        .post(`/v1/workspaces/${WS}/breach-response`)
        .set(as(token))
        .send({ reason: 'nope' });
      expect(refused.status).toBe(403);
    }
    for (const body of [
      {},
      { reason: '' },
      { reason: 'x', from: 'yesterday' },
      { reason: 'x', extra: 1 },
    ]) {
      const bad = await api()
        .post(`/v1/workspaces/${WS}/breach-response`)
        .set(as(owner))
        .send(body);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
    const empty = await api()
      .post(`/v1/workspaces/${WS}/breach-response`)
      .set(as(owner))
      .send({ reason: 'x', from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' });
    expect(empty.status).toBe(400);
    // Nothing was cut by the refused calls.
    const still = await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner)).expect(200);
    expect(still.body).toHaveLength(4);
  });

  it('cuts every connection, shreds and revokes the tokens, fails pending posts, and reports', async () => {
    const response = await api()
      .post(`/v1/workspaces/${WS}/breach-response`)
      .set(as(admin))
      .send({ reason: 'laptop stolen' })
      .expect(200);
    const report = response.body;
    bodies.push(report);
    expect(report.anythingCut).toBe(true);
    expect(
      report.connectionsCut.map((c: { connectionId: string }) => c.connectionId).sort(),
    ).toEqual(connections.map((c) => c.id).sort());
    // Four connections, each with its vault record; the old name says the same.
    expect(report.tokenRecordsDestroyed).toBe(4);
    expect(report.tokensDestroyed).toBe(4);
    expect(report.scheduledPostsFailed).toBe(1);
    const statusOf = (platform: string) =>
      report.revocations.find(
        (r: { connectionId: string }) => r.connectionId === byPlatform(platform).id,
      )?.status;
    expect(statusOf('x')).toBe('revoked');
    expect(statusOf('tiktok')).toBe('revoked');
    expect(statusOf('facebook')).toBe('revoked');
    expect(statusOf('linkedin')).toBe('not_offered');

    // Gone from the list; the vault holds nothing for the workspace.
    expect((await api().get(`/v1/workspaces/${WS}/connections`).set(as(owner))).body).toEqual([]);
    for (const c of connections) {
      expect(await vault().read({ workspaceId: WS, connectionId: c.id })).toBeNull();
    }

    // X saw the revocation; the refresh token no longer refreshes.
    const xTokens = held.get(byPlatform('x').id)!;
    const xRevoked = await ledger.platforms.x.oauth.revocations();
    expect(xRevoked.map((r) => r.token)).toEqual(
      expect.arrayContaining([
        xTokens.accessToken,
        ...(xTokens.refreshToken ? [xTokens.refreshToken] : []),
      ]),
    );
    if (xTokens.refreshToken) {
      const basic = Buffer.from(
        `${ledger.platforms.env.X_CLIENT_ID}:${ledger.platforms.env.X_CLIENT_SECRET}`,
      ).toString('base64');
      const refresh = await fetch(ledger.platforms.x.oauth.tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: xTokens.refreshToken,
        }),
      });
      expect(refresh.status).toBe(400);
    }

    // TikTok saw it; its refresh token is dead.
    const ttTokens = held.get(byPlatform('tiktok').id)!;
    expect(ledger.platforms.tiktok.oauth.revocations()).toEqual([
      { token: ttTokens.accessToken, known: true },
    ]);
    const ttRefresh = await fetch(ledger.platforms.tiktok.oauth.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_key: ledger.platforms.env.TIKTOK_CLIENT_ID!,
        client_secret: ledger.platforms.env.TIKTOK_CLIENT_SECRET!,
        grant_type: 'refresh_token',
        refresh_token: ttTokens.refreshToken!,
      }),
    });
    expect(((await ttRefresh.json()) as { error: string }).error).toBe('invalid_grant');

    // Facebook: the permissions were withdrawn with the Page token, which no longer works.
    const fbTokens = held.get(byPlatform('facebook').id)!;
    expect(ledger.platforms.facebook.graph.revokedPermissions).toContain(fbTokens.accessToken);
    const me = await fetch(`${ledger.platforms.facebook.graph.apiUrl}/me`, {
      headers: { Authorization: `Bearer ${fbTokens.accessToken}` },
    });
    expect(me.status).toBe(400);

    // Pending posts failed; the published one stays published.
    const posts = (await api().get(`/v1/workspaces/${WS}/posts`).set(as(auditor)).expect(200)).body;
    expect(posts.map((p: { status: string }) => p.status).sort()).toEqual(['failed', 'published']);

    // History stays readable for each connection.
    for (const c of connections) {
      const history = await api()
        .get(`/v1/workspaces/${WS}/connections/${c.id}/history`)
        .set(as(auditor))
        .expect(200);
      expect(JSON.stringify(history.body)).toContain('ConnectionDisconnected');
    }

    // The window shows each connection's actions and the posts published through it.
    const activity = (id: string) =>
      report.connections.find((c: { connectionId: string }) => c.connectionId === id);
    for (const c of connections) {
      const types = activity(c.id).actions.map((a: { type: string }) => a.type);
      expect(types).toEqual(
        expect.arrayContaining(['ConnectionConnected', 'ConnectionDisconnected']),
      );
    }
    expect(activity(byPlatform('x').id).postsPublished).toEqual([
      expect.objectContaining({ platformPostId: '1850000000000000999', content: 'Already out' }),
    ]);
    expect(activity(byPlatform('x').id).actions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'PostScheduled',
          // The documented actor shape, `reason` included (null: a user acted).
          actor: expect.objectContaining({ userId: 'editor-1', reason: null }),
        }),
        expect.objectContaining({
          type: 'ConnectionDisconnected',
          actor: expect.objectContaining({ userId: 'admin-1' }),
        }),
      ]),
    );

    // A window before everything holds no activity.
    const second = await api()
      .post(`/v1/workspaces/${WS}/breach-response`)
      .set(as(owner))
      .send({ reason: 'again', from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' })
      .expect(200);
    bodies.push(second.body);
    expect(second.body).toMatchObject({
      anythingCut: false,
      connectionsCut: [],
      revocations: [],
      tokenRecordsDestroyed: 0,
      tokensDestroyed: 0,
      scheduledPostsFailed: 0,
      connections: [],
    });
    expect(second.body.summary).toMatch(/nothing was left to cut/i);
  });

  it('puts no token in any response or log', () => {
    const text = JSON.stringify(bodies);
    for (const secret of ledger.secrets) {
      expect(text).not.toContain(secret);
      expect(ledger.logs.text).not.toContain(secret);
    }
  });
});
