import { connected, given, mainSet, T1, WS } from '../testing/given-when-then';

const a = connected({ connectionId: 'a' });
const b = connected({ connectionId: 'b' });
const starter = {
  type: 'WorkspacePlanChanged' as const,
  data: { workspaceId: WS, plan: 'starter' as const, previousPlan: 'free' as const, at: T1 },
};
const history = [starter, a, mainSet('a'), b];
const setMain = (connectionId: string, expectedVersion?: number) => ({
  type: 'SetMainAccount' as const,
  workspaceId: WS,
  connectionId,
  expectedVersion,
  now: T1,
});

describe('set the main account', () => {
  it('demotes the previous main of the platform', () => {
    given(history)
      .when(setMain('b'))
      .then([
        {
          type: 'MainAccountSet',
          data: {
            workspaceId: WS,
            connectionId: 'b',
            platform: 'x',
            previousMainConnectionId: 'a',
            at: T1,
          },
        },
      ]);
  });

  it('does nothing when the connection is already main', () => {
    given(history).when(setMain('a')).then([]);
  });

  it('does not touch another platform’s main', () => {
    const fb = connected({ connectionId: 'fb', platform: 'facebook' });
    given([...history, fb, mainSet('fb', null, 'facebook')])
      .when(setMain('b'))
      .then([
        expect.objectContaining({
          data: expect.objectContaining({ previousMainConnectionId: 'a' }),
        }),
      ]);
  });

  it('answers NOT_FOUND for an unknown or disconnected connection', () => {
    given(history).when(setMain('nope')).thenRefused('NOT_FOUND');
    given([
      ...history,
      {
        type: 'ConnectionDisconnected',
        data: {
          workspaceId: WS,
          connectionId: 'b',
          platform: 'x',
          accountId: b.data.accountId,
          reason: 'user',
          wasMain: false,
          at: T1,
        },
      },
    ])
      .when(setMain('b'))
      .thenRefused('NOT_FOUND');
  });

  it('checks If-Match against the version the caller read', () => {
    // b was touched once (connected): version 1.
    given(history)
      .when(setMain('b', 1))
      .then([expect.objectContaining({ type: 'MainAccountSet' })]);
    given(history).when(setMain('b', 0)).thenRefused('PRECONDITION_FAILED', { currentVersion: 1 });
    // a was connected and made main: version 2; demoting it makes 3.
    given([
      ...history,
      {
        type: 'MainAccountSet',
        data: {
          workspaceId: WS,
          connectionId: 'b',
          platform: 'x',
          previousMainConnectionId: 'a',
          at: T1,
        },
      },
    ])
      .when(setMain('a', 2))
      .thenRefused('PRECONDITION_FAILED', { currentVersion: 3 });
  });

  it('refuses an expired connection: reconnect it first', () => {
    given([
      ...history,
      {
        type: 'ConnectionExpired',
        data: {
          workspaceId: WS,
          connectionId: 'b',
          platform: 'x',
          reason: 'token end of life',
          at: T1,
        },
      },
    ])
      .when(setMain('b'))
      .thenRefused('CONNECTION_EXPIRED');
  });
});
