import { foldWorkspace } from '../workspace/state';
import { connected, given, mainSet, T1, WS } from '../testing/given-when-then';
import type { ConnectAccount } from './connect-account';

const instagram = connected({
  connectionId: 'ig',
  platform: 'instagram',
  accountId: 'ig-1',
  accountName: 'acme',
});
const connectThreads = (over: Partial<ConnectAccount> = {}): ConnectAccount => ({
  type: 'ConnectAccount',
  workspaceId: WS,
  connectionId: 'th',
  platform: 'threads',
  account: { accountId: 'th-1', accountName: 'acme', accountType: 'profile' },
  scopes: ['threads_basic'],
  tokenExpiresAt: null,
  linkedAccount: { platform: 'instagram', accountId: null, accountName: 'Acme' },
  now: T1,
  ...over,
});

describe('Threads, tied to one Instagram account', () => {
  it('links a Threads connection to the Instagram connection of the same account', () => {
    given([instagram, mainSet('ig', null, 'instagram')])
      .when(connectThreads())
      .then([
        expect.objectContaining({
          type: 'ConnectionConnected',
          data: expect.objectContaining({ connectionId: 'th', linkedConnectionId: 'ig' }),
        }),
        expect.objectContaining({ type: 'MainAccountSet' }),
      ]);
  });

  it('refuses Threads when its Instagram account is not connected here', () => {
    const error = given([]).when(connectThreads()).thenRefused('LINKED_ACCOUNT_REQUIRED', {
      requires: 'instagram',
    });
    expect(error.message).toContain('@Acme');
    const other = connected({ platform: 'instagram', accountId: 'ig-2', accountName: 'someone' });
    given([other]).when(connectThreads()).thenRefused('LINKED_ACCOUNT_REQUIRED');
  });

  it('allows one Threads per Instagram account', () => {
    const existing = connected({
      connectionId: 'th-old',
      platform: 'threads',
      accountId: 'th-0',
      linkedConnectionId: 'ig',
    });
    given([
      {
        type: 'WorkspacePlanChanged',
        data: { workspaceId: WS, plan: 'starter', previousPlan: 'free', at: T1 },
      },
      instagram,
      existing,
    ])
      .when(connectThreads())
      .thenRefused('ALREADY_CONNECTED', { connectionId: 'th-old' });
  });

  it('disconnecting the Instagram connection disconnects its Threads, recorded as caused by it', () => {
    const threads = connected({
      connectionId: 'th',
      platform: 'threads',
      accountId: 'th-1',
      linkedConnectionId: 'ig',
    });
    const history = [
      instagram,
      mainSet('ig', null, 'instagram'),
      threads,
      mainSet('th', null, 'threads'),
    ];
    given(history)
      .when({
        type: 'DisconnectAccount',
        workspaceId: WS,
        connectionId: 'ig',
        reason: 'user request',
        now: T1,
      })
      .then([
        expect.objectContaining({
          type: 'ConnectionDisconnected',
          data: expect.objectContaining({ connectionId: 'ig', causedByConnectionId: null }),
        }),
        expect.objectContaining({
          type: 'ConnectionDisconnected',
          data: expect.objectContaining({
            connectionId: 'th',
            platform: 'threads',
            causedByConnectionId: 'ig',
            reason: expect.stringContaining('instagram'),
          }),
        }),
      ]);
    expect(Object.keys(foldWorkspace(history).connections).sort()).toEqual(['ig', 'th']);
  });

  it('disconnecting Threads leaves its Instagram connection alone', () => {
    const threads = connected({
      connectionId: 'th',
      platform: 'threads',
      accountId: 'th-1',
      linkedConnectionId: 'ig',
    });
    given([instagram, threads])
      .when({
        type: 'DisconnectAccount',
        workspaceId: WS,
        connectionId: 'th',
        reason: 'user request',
        now: T1,
      })
      .then([expect.objectContaining({ data: expect.objectContaining({ connectionId: 'th' }) })]);
  });
});
