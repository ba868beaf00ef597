import { foldWorkspace } from '../workspace/state';
import { connected, given, T1, WS } from '../testing/given-when-then';

const a = connected({ connectionId: 'a' });
const cmd = <T extends 'MarkConnectionExpired' | 'MarkConnectionErrored' | 'RestoreConnection'>(
  type: T,
  reason: string,
) => ({
  type,
  workspaceId: WS,
  connectionId: 'a',
  reason,
  now: T1,
});
const expired = {
  type: 'ConnectionExpired' as const,
  data: {
    workspaceId: WS,
    connectionId: 'a',
    platform: 'x' as const,
    reason: 'token reached end of life',
    at: T1,
  },
};
const errored = {
  type: 'ConnectionErrored' as const,
  data: {
    workspaceId: WS,
    connectionId: 'a',
    platform: 'x' as const,
    reason: 'permissions revoked',
    at: T1,
  },
};

describe('connection health', () => {
  it('marks an active connection expired, with the reason', () => {
    given([a]).when(cmd('MarkConnectionExpired', 'token reached end of life')).then([expired]);
    const state = foldWorkspace([a, expired]);
    expect(state.connections.a).toMatchObject({
      status: 'expired',
      statusReason: 'token reached end of life',
    });
  });

  it('records an expiry once', () => {
    given([a, expired]).when(cmd('MarkConnectionExpired', 'again')).then([]);
  });

  it('marks a connection in error with the reason, and records a new reason', () => {
    given([a]).when(cmd('MarkConnectionErrored', 'permissions revoked')).then([errored]);
    given([a, errored]).when(cmd('MarkConnectionErrored', 'permissions revoked')).then([]);
    given([a, errored])
      .when(cmd('MarkConnectionErrored', 'account deleted'))
      .then([{ ...errored, data: { ...errored.data, reason: 'account deleted' } }]);
  });

  it('restores an expired or errored connection to active and clears the reason', () => {
    const restored = {
      type: 'ConnectionRestored' as const,
      data: {
        workspaceId: WS,
        connectionId: 'a',
        platform: 'x' as const,
        reason: 'token refreshed',
        at: T1,
      },
    };
    given([a, errored]).when(cmd('RestoreConnection', 'token refreshed')).then([restored]);
    given([a, expired]).when(cmd('RestoreConnection', 'token refreshed')).then([restored]);
    expect(foldWorkspace([a, errored, restored]).connections.a).toMatchObject({
      status: 'active',
      statusReason: null,
    });
  });

  it('does nothing to restore an active connection', () => {
    given([a]).when(cmd('RestoreConnection', 'ok')).then([]);
  });

  it('refuses unknown connections', () => {
    given([]).when(cmd('MarkConnectionExpired', 'x')).thenRefused('NOT_FOUND');
  });
});

describe('token refresh', () => {
  const refresh = (connectionId: string) => ({
    type: 'RecordTokensRefreshed' as const,
    workspaceId: WS,
    connectionId,
    tokenExpiresAt: '2026-01-02T02:00:00.000Z',
    trigger: 'scheduled' as const,
    now: T1,
  });

  it('records every refresh with the new expiry', () => {
    given([a])
      .when(refresh('a'))
      .then([
        {
          type: 'ConnectionTokensRefreshed',
          data: {
            workspaceId: WS,
            connectionId: 'a',
            platform: 'x',
            tokenExpiresAt: '2026-01-02T02:00:00.000Z',
            trigger: 'scheduled',
            at: T1,
          },
        },
      ]);
  });

  it('refuses a refresh of a connection disconnected meanwhile', () => {
    const gone = {
      type: 'ConnectionDisconnected' as const,
      data: {
        workspaceId: WS,
        connectionId: 'a',
        platform: 'x' as const,
        accountId: a.data.accountId,
        reason: 'user',
        wasMain: false,
        at: T1,
      },
    };
    given([a, gone]).when(refresh('a')).thenRefused('NOT_FOUND');
  });
});
