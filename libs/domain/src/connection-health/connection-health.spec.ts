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
