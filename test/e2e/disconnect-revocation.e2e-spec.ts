import request from 'supertest';
import type { ConnectionTokens, TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

interface Connection {
  id: string;
  platform: string;
}

/**
 * Disconnect revokes the tokens at the platform where it allows (the contract), through the
 * same teardown as breach response, and says per connection what came of it.
 */
describe.each(BACKENDS)('disconnect revokes at the platform, read models in %s', (readModels) => {
  let ledger: LedgerTestApp;
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);
  const bodies: unknown[] = [];
  let owner: string;

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels });
    owner = ledger.token({
      'ws-rv-x': 'owner',
      'ws-rv-x2': 'owner',
      'ws-rv-fail': 'owner',
      'ws-rv-gone': 'owner',
      'ws-rv-li': 'owner',
      'ws-rv-ig': 'owner',
      'ws-rv-fb': 'owner',
      'ws-rv-tt': 'owner',
      'ws-rv-tt-copy': 'owner',
    });
  });
  afterAll(() => ledger.close());

  const onlyConnection = async (ws: string, platform: string): Promise<Connection> => {
    const list = (await api().get(`/v1/workspaces/${ws}/connections`).set(as(owner)).expect(200))
      .body as Connection[];
    return list.find((c) => c.platform === platform)!;
  };
  const tokensOf = async (ws: string, connectionId: string): Promise<ConnectionTokens> => {
    const tokens = await vault().read({ workspaceId: ws, connectionId });
    expect(tokens).not.toBeNull();
    return tokens!;
  };
  const disconnect = async (ws: string, connectionId: string) => {
    const response = await api()
      .delete(`/v1/workspaces/${ws}/connections/${connectionId}`)
      .set(as(owner))
      .expect(200);
    bodies.push(response.body);
    return response.body;
  };

  it('X: the platform saw a revoke of the stored tokens, the vault record is gone, the report says revoked, the account is free again', async () => {
    const user = { id: '8101', name: 'Revoked', username: 'revoked' };
    expect((await ledger.connectX('ws-rv-x', owner, user)).status).toBe(200);
    const x = await onlyConnection('ws-rv-x', 'x');
    const tokens = await tokensOf('ws-rv-x', x.id);
    expect(tokens.refreshToken).not.toBeNull();

    const report = await disconnect('ws-rv-x', x.id);

    expect(report).toMatchObject({
      connectionId: x.id,
      tokensDestroyed: true,
      revocation: { status: 'revoked', detail: null },
      alsoDisconnected: [],
    });
    const revoked = await ledger.platforms.x.oauth.revocations();
    expect(revoked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ token: tokens.refreshToken, tokenTypeHint: 'refresh_token' }),
        expect.objectContaining({ token: tokens.accessToken, tokenTypeHint: 'access_token' }),
      ]),
    );
    expect(await vault().read({ workspaceId: 'ws-rv-x', connectionId: x.id })).toBeNull();
    // The claim was released: another workspace may connect the same account now.
    expect((await ledger.connectX('ws-rv-x2', owner, user)).status).toBe(200);
  });

  it('X answering 500 at its revoke endpoint: the report says failed, the tokens are shredded anyway', async () => {
    expect(
      (await ledger.connectX('ws-rv-fail', owner, { id: '8102', name: 'F', username: 'fails' }))
        .status,
    ).toBe(200);
    const x = await onlyConnection('ws-rv-fail', 'x');
    await ledger.platforms.x.oauth.failNextRevocation(500);

    const report = await disconnect('ws-rv-fail', x.id);

    expect(report.tokensDestroyed).toBe(true);
    expect(report.revocation).toEqual({
      status: 'failed',
      detail: expect.stringMatching(/HTTP 500/),
    });
    expect(await vault().read({ workspaceId: 'ws-rv-fail', connectionId: x.id })).toBeNull();
    expect(await api().get(`/v1/workspaces/ws-rv-fail/connections/${x.id}`).set(as(owner))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
  });

  it('tokens already gone from the vault: the report says none were destroyed now, and nothing to revoke', async () => {
    const user = { id: '8103', name: 'Gone', username: 'gone' };
    expect((await ledger.connectX('ws-rv-gone', owner, user)).status).toBe(200);
    const x = await onlyConnection('ws-rv-gone', 'x');
    // Shredded before the disconnect (an earlier, interrupted teardown, say).
    expect(await vault().destroy({ workspaceId: 'ws-rv-gone', connectionId: x.id })).toBe(true);

    const report = await disconnect('ws-rv-gone', x.id);

    expect(report).toMatchObject({
      connectionId: x.id,
      tokensDestroyed: false,
      revocation: { status: 'no_tokens' },
    });
  });

  it('Facebook: two Pages of one authorization: the first disconnect leaves the grant alone (shared_grant), the last revokes it', async () => {
    const tasks = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'];
    // Two Pages need more than the free plan's one account per platform.
    await api()
      .put('/v1/workspaces/ws-rv-fb/plan')
      .set(as(owner))
      .send({ plan: 'starter' })
      .expect(200);
    const fb = await ledger.connect('facebook', 'ws-rv-fb', owner, {
      id: `fb-user-rv-${readModels}`,
      name: 'Pat',
      pages: [
        {
          id: `5501${readModels.length}`,
          name: 'First Page',
          tasks,
          access_token: `EAAfirst-${readModels}`,
        },
        {
          id: `5502${readModels.length}`,
          name: 'Second Page',
          tasks,
          access_token: `EAAsecond-${readModels}`,
        },
      ],
    });
    ledger.secrets.push(`EAAfirst-${readModels}`, `EAAsecond-${readModels}`);
    const selection = fb.body.selection as { id: string; accounts: { accountId: string }[] };
    await api()
      .post(`/v1/workspaces/ws-rv-fb/connections/selections/${selection.id}`)
      .set(as(owner))
      .send({ accountIds: selection.accounts.map((a) => a.accountId) })
      .expect(200);
    const pages = (
      await api().get('/v1/workspaces/ws-rv-fb/connections').set(as(owner)).expect(200)
    ).body as Connection[];
    expect(pages).toHaveLength(2);
    const graph = ledger.platforms.facebook.graph;
    const revokedBefore = graph.revokedPermissions.length;

    const first = await disconnect('ws-rv-fb', pages[0]!.id);

    expect(first.revocation).toEqual({
      status: 'shared_grant',
      detail: expect.stringMatching(/1 other Facebook connection/),
    });
    expect(graph.revokedPermissions).toHaveLength(revokedBefore);
    expect(await vault().read({ workspaceId: 'ws-rv-fb', connectionId: pages[0]!.id })).toBeNull();

    const last = await disconnect('ws-rv-fb', pages[1]!.id);

    expect(last.revocation).toEqual({ status: 'revoked', detail: null });
    expect(graph.revokedPermissions).toHaveLength(revokedBefore + 1);
  });

  it('TikTok copied into another workspace: disconnecting the source leaves the grant to the live copy (shared_grant)', async () => {
    const account = {
      open_id: `tt-open-rv-${readModels}`,
      display_name: 'Copied TT',
      username: `copiedtt${readModels}`,
      is_business_account: true,
    };
    expect((await ledger.connect('tiktok', 'ws-rv-tt', owner, account)).status).toBe(200);
    const source = await onlyConnection('ws-rv-tt', 'tiktok');
    const copied = await ledger.connect(
      'tiktok',
      'ws-rv-tt',
      owner,
      account,
      { targetWorkspaceId: 'ws-rv-tt-copy' },
      `/v1/workspaces/ws-rv-tt/connections/${source.id}/copy`,
    );
    expect(copied.status).toBe(200);
    const revocationsBefore = (await ledger.platforms.tiktok.oauth.revocations()).length;

    const report = await disconnect('ws-rv-tt', source.id);

    expect(report.revocation).toEqual({
      status: 'shared_grant',
      detail: expect.stringMatching(/copies in 1 other workspace/),
    });
    expect(await ledger.platforms.tiktok.oauth.revocations()).toHaveLength(revocationsBefore);
    expect(await vault().read({ workspaceId: 'ws-rv-tt', connectionId: source.id })).toBeNull();
    const copy = await onlyConnection('ws-rv-tt-copy', 'tiktok');
    expect(copy).toBeDefined();
    expect(
      await vault().read({ workspaceId: 'ws-rv-tt-copy', connectionId: copy.id }),
    ).not.toBeNull();
  });

  it('LinkedIn: no revocation offered, said so; the tokens are shredded', async () => {
    const li = await ledger.connect('linkedin', 'ws-rv-li', owner, {
      userinfo: { sub: 'li-revoke', name: 'Lee' },
      roles: [],
    });
    const selection = li.body.selection as { id: string; accounts: { accountId: string }[] };
    await api()
      .post(`/v1/workspaces/ws-rv-li/connections/selections/${selection.id}`)
      .set(as(owner))
      .send({ accountIds: [selection.accounts[0]!.accountId] })
      .expect(200);
    const connection = await onlyConnection('ws-rv-li', 'linkedin');
    await tokensOf('ws-rv-li', connection.id);

    const report = await disconnect('ws-rv-li', connection.id);

    expect(report.revocation).toEqual({
      status: 'not_offered',
      detail: expect.stringMatching(/LinkedIn/),
    });
    expect(await vault().read({ workspaceId: 'ws-rv-li', connectionId: connection.id })).toBeNull();
  });

  it('Instagram with its Threads: both torn down and both outcomes reported', async () => {
    const ig = await ledger.connect('instagram', 'ws-rv-ig', owner, {
      user_id: '17841400000000777',
      username: 'acme.revoke',
      account_type: 'BUSINESS',
    });
    expect(ig.status).toBe(200);
    const threads = await ledger.connect('threads', 'ws-rv-ig', owner, {
      id: '9777',
      username: 'acme.revoke',
    });
    expect(threads.status).toBe(200);
    const instagram = await onlyConnection('ws-rv-ig', 'instagram');
    const th = await onlyConnection('ws-rv-ig', 'threads');
    await tokensOf('ws-rv-ig', th.id);

    const report = await disconnect('ws-rv-ig', instagram.id);

    expect(report.revocation).toEqual({
      status: 'not_offered',
      detail: expect.stringMatching(/Instagram/),
    });
    expect(report.alsoDisconnected).toEqual([
      {
        connectionId: th.id,
        platform: 'threads',
        reason: expect.any(String),
        revocation: { status: 'not_offered', detail: expect.stringMatching(/Threads/) },
      },
    ]);
    for (const id of [instagram.id, th.id]) {
      expect(await vault().read({ workspaceId: 'ws-rv-ig', connectionId: id })).toBeNull();
    }
  });

  it('puts no token or client secret in any report or log', () => {
    const text = JSON.stringify(bodies);
    expect(bodies.length).toBeGreaterThanOrEqual(4);
    for (const secret of ledger.secrets) {
      expect(text).not.toContain(secret);
      expect(ledger.logs.text).not.toContain(secret);
    }
  });
});
