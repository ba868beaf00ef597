import { connectionsTouchedBy, workspaceStream, type WorkspaceEvent } from '@ledger/domain';
import type { ReadModelChange } from '../workspace-read-model.port';
import {
  connected,
  disconnected,
  health,
  mainSet,
  planChanged,
  reconnected,
  renamed,
} from '../testing/workspace-events';
import { projectConnectionsEvent } from './connections.projection';

const WS = 'ws-1';
const AT = '2025-03-01T10:00:00.000Z';

function project(event: WorkspaceEvent, revision = 7): ReadModelChange[] {
  return projectConnectionsEvent({ ...event, streamId: workspaceStream(WS), revision });
}

describe('projectConnectionsEvent', () => {
  it('adds an active, non-main connection at version 1 from ConnectionConnected', () => {
    const event = connected(WS, 'c1', AT, {
      platform: 'instagram',
      accountId: 'ig-1',
      accountName: 'Shop',
      accountType: 'business',
      tokenExpiresAt: '2025-05-01T00:00:00.000Z',
      copiedFrom: { workspaceId: 'ws-0', connectionId: 'c0' },
    });
    expect(project(event, 3)).toEqual([
      {
        kind: 'connectionAdded',
        streamRevision: 3,
        connection: {
          id: 'c1',
          workspaceId: WS,
          platform: 'instagram',
          accountId: 'ig-1',
          accountName: 'Shop',
          accountType: 'business',
          status: 'active',
          statusReason: null,
          isMain: false,
          connectedAt: AT,
          tokenExpiresAt: '2025-05-01T00:00:00.000Z',
          copiedFrom: { workspaceId: 'ws-0', connectionId: 'c0' },
          version: 1,
        },
      },
    ]);
  });

  it('demotes the previous main and promotes the new one from MainAccountSet', () => {
    expect(project(mainSet(WS, 'c2', 'c1', AT))).toEqual([
      {
        kind: 'connectionChanged',
        streamRevision: 7,
        workspaceId: WS,
        connectionId: 'c1',
        set: { isMain: false },
      },
      {
        kind: 'connectionChanged',
        streamRevision: 7,
        workspaceId: WS,
        connectionId: 'c2',
        set: { isMain: true },
      },
    ]);
  });

  it('only promotes when there was no previous main', () => {
    expect(project(mainSet(WS, 'c2', null, AT))).toEqual([
      {
        kind: 'connectionChanged',
        streamRevision: 7,
        workspaceId: WS,
        connectionId: 'c2',
        set: { isMain: true },
      },
    ]);
  });

  it('restores a reconnected connection to active with its new name and token expiry', () => {
    expect(project(reconnected(WS, 'c1', AT, 'Renamed', '2025-09-01T00:00:00.000Z'))).toEqual([
      {
        kind: 'connectionChanged',
        streamRevision: 7,
        workspaceId: WS,
        connectionId: 'c1',
        set: {
          status: 'active',
          statusReason: null,
          accountName: 'Renamed',
          tokenExpiresAt: '2025-09-01T00:00:00.000Z',
        },
      },
    ]);
  });

  it.each([
    ['ConnectionExpired', { status: 'expired', statusReason: 'token end of life' }],
    ['ConnectionErrored', { status: 'error', statusReason: 'token end of life' }],
    ['ConnectionRestored', { status: 'active', statusReason: null }],
  ] as const)('maps %s to the status and reason', (type, set) => {
    expect(project(health(type, WS, 'c1', 'token end of life', AT))).toEqual([
      { kind: 'connectionChanged', streamRevision: 7, workspaceId: WS, connectionId: 'c1', set },
    ]);
  });

  it('sets the new account name from ConnectionRenamed', () => {
    expect(project(renamed(WS, 'c1', 'Old Bakery', 'Acme Bakery', AT))).toEqual([
      {
        kind: 'connectionChanged',
        streamRevision: 7,
        workspaceId: WS,
        connectionId: 'c1',
        set: { accountName: 'Acme Bakery' },
      },
    ]);
  });

  it('removes a disconnected connection, keeping when it happened', () => {
    expect(project(disconnected(WS, 'c1', AT, true))).toEqual([
      { kind: 'connectionRemoved', streamRevision: 7, workspaceId: WS, connectionId: 'c1', at: AT },
    ]);
  });

  it('records a plan change', () => {
    expect(project(planChanged(WS, 'starter', 'free', AT))).toEqual([
      { kind: 'planChanged', streamRevision: 7, workspaceId: WS, plan: 'starter' },
    ]);
  });

  it('ignores events that are not workspace events', () => {
    const claim = {
      type: 'AccountClaimed',
      data: { platform: 'x', accountId: '1', workspaceId: WS },
      streamId: 'account-x-1',
      revision: 0,
    };
    expect(projectConnectionsEvent(claim)).toEqual([]);
  });

  it('touches exactly the connections connectionsTouchedBy names, so versions agree', () => {
    const events: WorkspaceEvent[] = [
      connected(WS, 'c1', AT),
      mainSet(WS, 'c2', 'c1', AT),
      mainSet(WS, 'c2', null, AT),
      reconnected(WS, 'c1', AT, 'n', null),
      health('ConnectionExpired', WS, 'c1', 'r', AT),
      health('ConnectionErrored', WS, 'c1', 'r', AT),
      health('ConnectionRestored', WS, 'c1', 'r', AT),
      renamed(WS, 'c1', 'old', 'new', AT),
      disconnected(WS, 'c1', AT),
      planChanged(WS, 'enterprise', 'free', AT),
    ];
    for (const event of events) {
      const touched = project(event).flatMap((change) =>
        change.kind === 'connectionAdded'
          ? [change.connection.id]
          : change.kind === 'connectionChanged' || change.kind === 'connectionRemoved'
            ? [change.connectionId]
            : [],
      );
      expect({ type: event.type, touched }).toEqual({
        type: event.type,
        touched: connectionsTouchedBy(event),
      });
    }
  });

  it('does not share objects with the event it came from', () => {
    const event = connected(WS, 'c1', AT, { copiedFrom: { workspaceId: 'a', connectionId: 'b' } });
    const [change] = project(event);
    if (change.kind !== 'connectionAdded') throw new Error('expected connectionAdded');
    expect(change.connection.copiedFrom).not.toBe(
      (event.data as { copiedFrom: unknown }).copiedFrom,
    );
  });
});
