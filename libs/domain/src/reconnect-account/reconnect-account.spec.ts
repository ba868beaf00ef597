import { connected, given, mainSet, T1, WS } from '../testing/given-when-then';
import type { ReconnectAccount } from './reconnect-account';

const a = connected({ connectionId: 'a', accountId: 'acct-a', accountName: 'Old name' });
const expired = {
  type: 'ConnectionExpired' as const,
  data: {
    workspaceId: WS,
    connectionId: 'a',
    platform: 'x' as const,
    reason: 'token expired',
    at: T1,
  },
};
const reconnect = (accountId: string): ReconnectAccount => ({
  type: 'ReconnectAccount',
  workspaceId: WS,
  connectionId: 'a',
  account: { accountId, accountName: 'New name', accountType: 'standard' },
  scopes: ['tweet.read', 'tweet.write', 'offline.access'],
  tokenExpiresAt: '2026-01-02T02:00:00.000Z',
  now: T1,
});

describe('reconnect an account', () => {
  it('restores the same connection with the new scopes and name', () => {
    given([a, mainSet('a'), expired])
      .when(reconnect('acct-a'))
      .then([
        {
          type: 'ConnectionReconnected',
          data: {
            workspaceId: WS,
            connectionId: 'a',
            platform: 'x',
            accountName: 'New name',
            scopes: ['tweet.read', 'tweet.write', 'offline.access'],
            tokenExpiresAt: '2026-01-02T02:00:00.000Z',
            at: T1,
          },
        },
      ]);
  });

  it('refuses when another platform account came back', () => {
    const error = given([a, expired])
      .when(reconnect('someone-else'))
      .thenRefused('RECONNECT_ACCOUNT_MISMATCH');
    expect(error.message).toContain('Old name');
  });

  it('refuses a connection that is not (or no longer) connected', () => {
    given([]).when(reconnect('acct-a')).thenRefused('NOT_FOUND');
  });
});
