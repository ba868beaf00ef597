import { connected, given, mainSet, T1, WS } from '../testing/given-when-then';
import type { ConnectAccount } from './connect-account';

const connect = (overrides: Partial<ConnectAccount> = {}): ConnectAccount => ({
  type: 'ConnectAccount',
  workspaceId: WS,
  connectionId: 'new',
  platform: 'x',
  account: { accountId: 'acct-new', accountName: 'New account', accountType: 'premium' },
  scopes: ['tweet.read', 'offline.access'],
  tokenExpiresAt: '2026-01-02T02:00:00.000Z',
  now: T1,
  ...overrides,
});

const connectedNew = {
  type: 'ConnectionConnected' as const,
  data: {
    workspaceId: WS,
    connectionId: 'new',
    platform: 'x' as const,
    accountId: 'acct-new',
    accountName: 'New account',
    accountType: 'premium',
    scopes: ['tweet.read', 'offline.access'],
    tokenExpiresAt: '2026-01-02T02:00:00.000Z',
    copiedFrom: null,
    linkedConnectionId: null,
    at: T1,
  },
};

describe('connect an account', () => {
  it('makes the first account of a platform its main account', () => {
    given([])
      .when(connect())
      .then([
        connectedNew,
        {
          type: 'MainAccountSet',
          data: {
            workspaceId: WS,
            connectionId: 'new',
            platform: 'x',
            previousMainConnectionId: null,
            at: T1,
          },
        },
      ]);
  });

  it('leaves the existing main in place when another account joins', () => {
    const first = connected({ platform: 'x' });
    given([
      {
        type: 'WorkspacePlanChanged',
        data: { workspaceId: WS, plan: 'starter', previousPlan: 'free', at: T1 },
      },
      first,
      mainSet(first.data.connectionId),
    ])
      .when(connect())
      .then([connectedNew]);
  });

  it('refuses a second account on the free plan, naming plan, limit and platform', () => {
    const first = connected({ platform: 'x' });
    const error = given([first, mainSet(first.data.connectionId)])
      .when(connect())
      .thenRefused('PLAN_LIMIT_REACHED', { plan: 'free', limit: 1, platform: 'x', connected: 1 });
    expect(error.message).toMatch(/upgrade/i);
  });

  it('counts the limit per platform', () => {
    const onFacebook = connected({ platform: 'facebook' });
    given([onFacebook, mainSet(onFacebook.data.connectionId, null, 'facebook')])
      .when(connect({ platform: 'x' }))
      .then([connectedNew, expect.objectContaining({ type: 'MainAccountSet' })]);
  });

  it('allows up to 3 on starter and 10 on professional, and no limit on enterprise', () => {
    const plan = (p: 'starter' | 'professional' | 'enterprise') => ({
      type: 'WorkspacePlanChanged' as const,
      data: { workspaceId: WS, plan: p, previousPlan: 'free' as const, at: T1 },
    });
    const three = [connected(), connected(), connected()];
    given([plan('starter'), ...three])
      .when(connect())
      .thenRefused('PLAN_LIMIT_REACHED', { limit: 3 });
    const ten = Array.from({ length: 10 }, () => connected());
    given([plan('professional'), ...ten])
      .when(connect())
      .thenRefused('PLAN_LIMIT_REACHED', { limit: 10 });
    const many = Array.from({ length: 50 }, () => connected());
    given([plan('enterprise'), ...many])
      .when(connect())
      .then([connectedNew, expect.objectContaining({ type: 'MainAccountSet' })]);
  });

  it('after a downgrade keeps existing connections but refuses new ones until under the limit', () => {
    const a = connected();
    const b = connected();
    const history = [
      {
        type: 'WorkspacePlanChanged' as const,
        data: { workspaceId: WS, plan: 'starter' as const, previousPlan: 'free' as const, at: T1 },
      },
      a,
      b,
      {
        type: 'WorkspacePlanChanged' as const,
        data: { workspaceId: WS, plan: 'free' as const, previousPlan: 'starter' as const, at: T1 },
      },
    ];
    given(history)
      .when(connect())
      .thenRefused('PLAN_LIMIT_REACHED', { plan: 'free', connected: 2 });
    const disconnect = (id: string) => ({
      type: 'ConnectionDisconnected' as const,
      data: {
        workspaceId: WS,
        connectionId: id,
        platform: 'x' as const,
        accountId: 'x',
        reason: 'user',
        wasMain: false,
        at: T1,
      },
    });
    given([...history, disconnect(a.data.connectionId)])
      .when(connect())
      .thenRefused('PLAN_LIMIT_REACHED');
    given([...history, disconnect(a.data.connectionId), disconnect(b.data.connectionId)])
      .when(connect())
      .then([connectedNew, expect.objectContaining({ type: 'MainAccountSet' })]);
  });

  it('refuses an account already connected in this workspace, pointing at the connection', () => {
    const existing = connected({ accountId: 'acct-new' });
    given([existing])
      .when(connect())
      .thenRefused('ALREADY_CONNECTED', { connectionId: existing.data.connectionId });
  });

  it('lets an account be connected again after it was disconnected', () => {
    const old = connected({ accountId: 'acct-new' });
    given([
      old,
      mainSet(old.data.connectionId),
      {
        type: 'ConnectionDisconnected',
        data: {
          workspaceId: WS,
          connectionId: old.data.connectionId,
          platform: 'x',
          accountId: 'acct-new',
          reason: 'user',
          wasMain: true,
          at: T1,
        },
      },
    ])
      .when(connect())
      .then([
        connectedNew,
        expect.objectContaining({
          type: 'MainAccountSet',
          data: expect.objectContaining({ previousMainConnectionId: null }),
        }),
      ]);
  });

  it('records where a copy came from', () => {
    given([])
      .when(connect({ copiedFrom: { workspaceId: 'ws-src', connectionId: 'c-src' } }))
      .then([
        {
          ...connectedNew,
          data: {
            ...connectedNew.data,
            copiedFrom: { workspaceId: 'ws-src', connectionId: 'c-src' },
          },
        },
        expect.objectContaining({ type: 'MainAccountSet' }),
      ]);
  });
});

describe('only a Page admin connects a Facebook Page', () => {
  const page = (pageRole?: ConnectAccount['account']['pageRole']) =>
    connect({
      platform: 'facebook',
      account: {
        accountId: 'page-1',
        accountName: 'Acme Page',
        accountType: 'page',
        ...(pageRole ? { pageRole } : {}),
      },
    });

  it('connects the Page when the platform says the user is its admin', () => {
    given([])
      .when(page('admin'))
      .then([
        expect.objectContaining({
          type: 'ConnectionConnected',
          data: expect.objectContaining({ platform: 'facebook', accountId: 'page-1' }),
        }),
        expect.objectContaining({ type: 'MainAccountSet' }),
      ]);
  });

  it('refuses an Editor, a Moderator, or a user the platform gave no role, saying what to do', () => {
    const editor = given([]).when(page('editor')).thenRefused('INSUFFICIENT_PERMISSIONS', {
      platform: 'facebook',
      accountName: 'Acme Page',
    });
    expect(editor.message).toMatch(/You are an Editor on this Page: only Page admins/);
    given([]).when(page('moderator')).thenRefused('INSUFFICIENT_PERMISSIONS');
    const none = given([]).when(page('none')).thenRefused('INSUFFICIENT_PERMISSIONS');
    expect(none.message).toMatch(/does not list you as an admin/);
    // A connect that carries no verdict is not taken for an admin's.
    given([]).when(page()).thenRefused('INSUFFICIENT_PERMISSIONS');
  });

  it('asks no Page role of other platforms', () => {
    given([])
      .when(connect())
      .then([connectedNew, expect.objectContaining({ type: 'MainAccountSet' })]);
  });
});
