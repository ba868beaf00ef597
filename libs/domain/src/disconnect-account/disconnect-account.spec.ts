import { foldWorkspace } from '../workspace/state';
import { connected, given, mainSet, T1, WS } from '../testing/given-when-then';

const a = connected({ connectionId: 'a', accountId: 'acct-a' });
const disconnect = (connectionId: string, expectedVersion?: number) => ({
  type: 'DisconnectAccount' as const,
  workspaceId: WS,
  connectionId,
  reason: 'user request',
  expectedVersion,
  now: T1,
});
const disconnected = {
  type: 'ConnectionDisconnected' as const,
  data: {
    workspaceId: WS,
    connectionId: 'a',
    platform: 'x' as const,
    accountId: 'acct-a',
    reason: 'user request',
    wasMain: true,
    causedByConnectionId: null,
    at: T1,
  },
};

describe('disconnect an account', () => {
  it('removes the connection at once, saying whether it was main', () => {
    given([a, mainSet('a')])
      .when(disconnect('a'))
      .then([disconnected]);
    const state = foldWorkspace([a, mainSet('a'), disconnected]);
    expect(state.connections.a).toBeUndefined();
  });

  it('leaves no main behind (nothing is promoted silently)', () => {
    const b = connected({ connectionId: 'b' });
    const starter = {
      type: 'WorkspacePlanChanged' as const,
      data: { workspaceId: WS, plan: 'starter' as const, previousPlan: 'free' as const, at: T1 },
    };
    const state = foldWorkspace([starter, a, mainSet('a'), b, disconnected]);
    expect(Object.values(state.connections).some((c) => c.isMain)).toBe(false);
  });

  it('refuses a second disconnect: the connection is gone', () => {
    given([a, disconnected]).when(disconnect('a')).thenRefused('NOT_FOUND');
  });

  it('honours If-Match', () => {
    given([a, mainSet('a')])
      .when(disconnect('a', 1))
      .thenRefused('PRECONDITION_FAILED');
    given([a, mainSet('a')])
      .when(disconnect('a', 2))
      .then([disconnected]);
  });
});
