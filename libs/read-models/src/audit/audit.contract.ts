import type { RecordedEvent } from '@ledger/event-store';
import type { AuditEntry, AuditStore } from './audit.port';
import { projectAuditEvent } from './audit.projection';

export interface OpenedAuditStore {
  store: AuditStore;
  /** A second instance on the same database, as another process would open it. */
  openAnother(): Promise<AuditStore>;
  close(): Promise<void>;
}

const P = 'audit';
const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function event(
  n: number,
  type: string,
  data: Record<string, unknown>,
  userId = 'user-1',
): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    streamId: `workspace-${String(data.workspaceId)}`,
    revision: n,
    position: String(n),
    type,
    data,
    metadata: {
      actor: { userId, role: 'admin', ip: '10.0.0.1', userAgent: 'jest' },
      correlationId: `corr-${n}`,
      causationId: null,
      schemaVersion: 1,
    },
    recordedAt: new Date(T0),
  };
}

const connected = (n: number, ws: string, conn: string, platform: string, minutes: number) =>
  event(n, 'ConnectionConnected', {
    workspaceId: ws,
    connectionId: conn,
    platform,
    accountId: `acc-${conn}`,
    at: at(minutes),
  });

function refusal(id: string, ws: string, minutes: number, code = 'PLAN_LIMIT_REACHED'): AuditEntry {
  return {
    id,
    workspaceId: ws,
    kind: 'refused',
    type: code,
    at: at(minutes),
    actor: { userId: 'user-2', role: 'editor', ip: null, userAgent: null, reason: null },
    correlationId: `corr-${id}`,
    connectionId: null,
    connectionIds: [],
    platform: 'x',
    details: { status: 402 },
  };
}

/** What every AuditStore adapter must do; each adapter's spec runs it on a real store. */
export function auditStoreContract(label: string, open: () => Promise<OpenedAuditStore>) {
  describe(`${label} (AuditStore contract)`, () => {
    let opened: OpenedAuditStore;
    let store: AuditStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(() => opened.close());

    const feed = [
      connected(1, 'ws-a', 'c1', 'x', 10),
      connected(2, 'ws-b', 'c9', 'x', 11),
      connected(3, 'ws-a', 'c2', 'linkedin', 20),
      event(4, 'MainAccountSet', {
        workspaceId: 'ws-a',
        connectionId: 'c2',
        platform: 'linkedin',
        previousMainConnectionId: null,
        at: at(30),
      }),
      event(
        5,
        'ConnectionDisconnected',
        { workspaceId: 'ws-a', connectionId: 'c1', platform: 'x', at: at(40) },
        'user-3',
      ),
      event(6, 'AccountClaimed', { platform: 'x', accountId: 'a' }),
    ];

    it('keeps every workspace event with its actor, time, correlation id, connection and platform', async () => {
      await store.apply(feed.flatMap(projectAuditEvent), { projection: P, position: '6' });
      const items = await store.list('ws-a', {}, { limit: 10 });
      expect(items.map((e) => e.type)).toEqual([
        'ConnectionConnected',
        'ConnectionConnected',
        'MainAccountSet',
        'ConnectionDisconnected',
      ]);
      expect(items[0]).toMatchObject({
        id: feed[0].id,
        workspaceId: 'ws-a',
        kind: 'event',
        at: at(10),
        actor: { userId: 'user-1', role: 'admin', ip: '10.0.0.1', userAgent: 'jest' },
        correlationId: 'corr-1',
        connectionId: 'c1',
        connectionIds: ['c1'],
        platform: 'x',
        details: { accountId: 'acc-c1' },
      });
      expect(await store.getCheckpoint(P)).toBe('6');
    });

    it('is idempotent: a replay, from this or another instance, adds nothing', async () => {
      const entries = feed.flatMap(projectAuditEvent);
      await store.apply(entries, { projection: P, position: '6' });
      const other = await opened.openAnother();
      await other.apply(entries.slice(0, 3), { projection: P, position: '3' });
      await store.apply(entries, { projection: P, position: '6' });
      expect(await store.list('ws-a', {}, { limit: 100 })).toHaveLength(4);
      expect(await other.getCheckpoint(P)).toBe('6');
    });

    it('records refused attempts alongside events, once per id, and keeps them on reset', async () => {
      await store.apply(feed.flatMap(projectAuditEvent), { projection: P, position: '6' });
      await store.record(refusal('r1', 'ws-a', 25));
      await store.record(refusal('r1', 'ws-a', 25));
      const items = await store.list('ws-a', {}, { limit: 10 });
      expect(items.map((e) => e.id)).toEqual([
        feed[0].id,
        feed[2].id,
        'r1',
        feed[3].id,
        feed[4].id,
      ]);
      expect(items[2]).toEqual(refusal('r1', 'ws-a', 25));
      await store.reset(P);
      expect(await store.getCheckpoint(P)).toBeNull();
      expect((await store.list('ws-a', {}, { limit: 10 })).map((e) => e.id)).toEqual(['r1']);
    });

    it('filters by actor, connection, platform, type and time window', async () => {
      await store.apply(feed.flatMap(projectAuditEvent), { projection: P, position: '6' });
      await store.record(refusal('r1', 'ws-a', 25, 'RATE_LIMIT_EXCEEDED'));
      const ids = async (filter: Parameters<AuditStore['list']>[1]) =>
        (await store.list('ws-a', filter, { limit: 10 })).map((e) => e.id);
      expect(await ids({ actor: 'user-3' })).toEqual([feed[4].id]);
      expect(await ids({ connectionId: 'c1' })).toEqual([feed[0].id, feed[4].id]);
      expect(await ids({ connectionId: 'c' })).toEqual([]);
      expect(await ids({ platform: 'linkedin' })).toEqual([feed[2].id, feed[3].id]);
      expect(await ids({ type: 'RATE_LIMIT_EXCEEDED' })).toEqual(['r1']);
      expect(await ids({ from: at(20), to: at(40) })).toEqual([feed[2].id, 'r1', feed[3].id]);
      expect(await ids({ platform: 'x', from: '2030-01-01T09:15:00+00:00' })).toEqual([
        'r1',
        feed[4].id,
      ]);
    });

    it('pages in (at, id) order after a cursor, entries at the same instant included', async () => {
      const same = [1, 2, 3, 4, 5].map((n) => connected(10 + n, 'ws-p', `p${n}`, 'x', 5));
      await store.apply(same.flatMap(projectAuditEvent), { projection: P, position: '15' });
      await store.record(refusal('zz', 'ws-p', 1));
      const seen: string[] = [];
      let after = null as AuditEntry | null;
      for (;;) {
        const page = await store.list('ws-p', {}, { limit: 2, after });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.id));
        after = page[page.length - 1];
      }
      expect(seen).toEqual(['zz', ...same.map((e) => e.id)]);
    });
  });
}
