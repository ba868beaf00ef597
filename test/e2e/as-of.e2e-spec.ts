import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { workspaceStream } from '@ledger/domain';
import type { EventStore, EventToAppend } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];
const WS = 'ws-as-of';
/** Connection ids as the service mints them (UUIDs): the API finds no other shape. */
const C1 = '00000000-0000-4000-8000-000000000001';
const C2 = '00000000-0000-4000-8000-000000000002';
const T = (minutes: number) => new Date(Date.UTC(2030, 0, 1, 9, minutes)).toISOString();
const actor = { userId: 'admin-1', role: 'admin', ip: '127.0.0.1', userAgent: 'jest' };

function event(type: string, data: Record<string, unknown>): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data: { workspaceId: WS, ...data },
    metadata: { actor, correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
  };
}

const connected = (connectionId: string, accountId: string, at: string) =>
  event('ConnectionConnected', {
    connectionId,
    platform: 'x',
    accountId,
    accountName: `Account ${accountId}`,
    accountType: 'standard',
    scopes: ['tweet.read'],
    tokenExpiresAt: null,
    copiedFrom: null,
    at,
  });

/**
 * A hand-built timeline, appended with chosen instants (`data.at`):
 *   09:10 c1 connected, 09:20 c1 main, 09:30 c2 connected, 09:40 c2 main (c1 demoted),
 *   09:50 c1 errored, 10:00 c2 disconnected.
 */
const timeline = [
  connected(C1, '3001', T(10)),
  event('MainAccountSet', {
    connectionId: C1,
    platform: 'x',
    previousMainConnectionId: null,
    at: T(20),
  }),
  connected(C2, '3002', T(30)),
  event('MainAccountSet', {
    connectionId: C2,
    platform: 'x',
    previousMainConnectionId: C1,
    at: T(40),
  }),
  event('ConnectionErrored', {
    connectionId: C1,
    platform: 'x',
    reason: 'Permissions revoked',
    at: T(50),
  }),
  event('ConnectionDisconnected', {
    connectionId: C2,
    platform: 'x',
    accountId: '3002',
    reason: 'user request',
    wasMain: true,
    at: T(60),
  }),
];

describe.each(BACKENDS)(
  '/connections?asOf= on a hand-built timeline, read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let auditor: string;

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');
      const store = ledger.app.get<EventStore>(EVENT_STORE);
      await store.append(workspaceStream(WS), timeline, 'no_stream');
    });
    afterAll(() => ledger.close());

    const asOf = async (instant: string) => {
      const response = await request(ledger.server)
        .get(`/v1/workspaces/${WS}/connections`)
        .query({ asOf: instant })
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200);
      return (response.body as Array<{ id: string; status: string; isMain: boolean }>).map(
        ({ id, status, isMain }) => ({ id, status, isMain }),
      );
    };

    it('is empty before the workspace existed', async () => {
      expect(await asOf(T(0))).toEqual([]);
      expect(await asOf('2029-12-31T23:59:59.999Z')).toEqual([]);
    });

    it('includes an event that happened exactly at the instant', async () => {
      expect(await asOf(T(10))).toEqual([{ id: C1, status: 'active', isMain: false }]);
      expect(await asOf(T(20))).toEqual([{ id: C1, status: 'active', isMain: true }]);
      expect(await asOf(T(40))).toEqual([
        { id: C1, status: 'active', isMain: false },
        { id: C2, status: 'active', isMain: true },
      ]);
      expect(await asOf(T(60))).toEqual([{ id: C1, status: 'error', isMain: false }]);
    });

    it('shows the state left by the last event before an instant between two events', async () => {
      expect(await asOf(new Date(Date.parse(T(20)) - 1).toISOString())).toEqual([
        { id: C1, status: 'active', isMain: false },
      ]);
      expect(await asOf(T(35))).toEqual([
        { id: C1, status: 'active', isMain: true },
        { id: C2, status: 'active', isMain: false },
      ]);
      expect(await asOf(T(55))).toEqual([
        { id: C1, status: 'error', isMain: false },
        { id: C2, status: 'active', isMain: true },
      ]);
    });

    it('accepts an instant in another offset', async () => {
      expect(await asOf('2030-01-01T10:35:00+01:00')).toEqual(await asOf(T(35)));
    });

    it('keeps the history of c2 after its disconnection', async () => {
      await request(ledger.server)
        .get(`/v1/workspaces/${WS}/connections/${C2}/history`)
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200);
    });
  },
);
