import { randomUUID } from 'node:crypto';
import { workspaceStream, type WorkspaceEvent } from '@ledger/domain';
import type {
  WorkspaceReadModel,
  ConnectionView,
  ReadModelChange,
} from '../workspace-read-model.port';
import { projectConnectionsEvent } from '../connections/connections.projection';
import {
  connected,
  disconnected,
  health,
  mainSet,
  planChanged,
  reconnected,
} from '../testing/workspace-events';
import { describePublishingContract } from './publishing-read-model.contract';

/** One database an adapter's tests run against, possibly opened by several store instances. */
export interface WorkspaceReadModelFixture {
  /** A new store instance on the fixture's database (the test closes it). */
  open(): Promise<WorkspaceReadModel>;
  /** Drops the database and anything on disk. */
  dispose(): Promise<void>;
}

const T0 = '2025-01-10T08:00:00.000Z';
const T1 = '2025-01-11T08:00:00.000Z';
const T2 = '2025-01-12T08:00:00.000Z';

/** The changes of `events` as if they were revisions first, first+1, ... of one stream. */
function changesOf(events: WorkspaceEvent[], first = 0): ReadModelChange[] {
  return events.flatMap((event, i) =>
    projectConnectionsEvent({
      ...event,
      streamId: workspaceStream(String(event.data.workspaceId)),
      revision: first + i,
    }),
  );
}

/**
 * The behaviour every WorkspaceReadModel adapter shares. Each test works in fresh workspace
 * ids and projection names, so tests can share one database.
 */
export function describeWorkspaceReadModelContract(
  name: string,
  createFixture: () => Promise<WorkspaceReadModelFixture>,
): void {
  describe(`WorkspaceReadModel contract: ${name}`, () => {
    let fixture: WorkspaceReadModelFixture;
    let store: WorkspaceReadModel;
    let ws: string;
    let projection: string;
    const opened: WorkspaceReadModel[] = [];

    const open = async (): Promise<WorkspaceReadModel> => {
      const instance = await fixture.open();
      opened.push(instance);
      return instance;
    };
    const apply = (changes: ReadModelChange[], position = '1', into = store) =>
      into.apply(changes, { projection, position });

    beforeAll(async () => {
      fixture = await createFixture();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });
    beforeEach(async () => {
      ws = `ws-${randomUUID()}`;
      projection = `connections-${randomUUID()}`;
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((instance) => instance.close()));
    });

    describe('adding and reading', () => {
      it('reads back every field of a connection, from get and from list', async () => {
        await apply(
          changesOf([
            connected(ws, 'c1', T0, {
              platform: 'linkedin',
              accountId: 'urn:li:organization:42',
              accountName: 'Acme Corp',
              accountType: 'company_page',
              tokenExpiresAt: '2025-03-01T00:00:00.000Z',
              copiedFrom: { workspaceId: 'ws-origin', connectionId: 'c-origin' },
            }),
          ]),
        );
        const expected: ConnectionView = {
          id: 'c1',
          workspaceId: ws,
          platform: 'linkedin',
          accountId: 'urn:li:organization:42',
          accountName: 'Acme Corp',
          accountType: 'company_page',
          status: 'active',
          statusReason: null,
          isMain: false,
          connectedAt: T0,
          tokenExpiresAt: '2025-03-01T00:00:00.000Z',
          copiedFrom: { workspaceId: 'ws-origin', connectionId: 'c-origin' },
          version: 1,
        };
        expect(await store.getConnection(ws, 'c1')).toStrictEqual(expected);
        expect(await store.listConnections(ws)).toStrictEqual([expected]);
      });

      it('keeps null token expiry and copiedFrom as null', async () => {
        await apply(changesOf([connected(ws, 'c1', T0, { tokenExpiresAt: null })]));
        const found = await store.getConnection(ws, 'c1');
        expect(found).toMatchObject({ tokenExpiresAt: null, copiedFrom: null, statusReason: null });
      });

      it('answers null for an unknown connection and for one of another workspace', async () => {
        await apply(changesOf([connected(ws, 'c1', T0)]));
        expect(await store.getConnection(ws, 'missing')).toBeNull();
        expect(await store.getConnection(`${ws}-other`, 'c1')).toBeNull();
      });

      it('lists by connectedAt then id, comparing instants as time, not text', async () => {
        await apply(
          changesOf([
            connected(ws, 'late', '2025-01-10T08:00:01Z'),
            connected(ws, 'b', '2025-01-10T08:00:00.500Z'),
            connected(ws, 'a', '2025-01-10T08:00:00.500Z'),
            // The same instant as 'early-z' below, written with an offset.
            connected(ws, 'early-offset', '2025-01-10T09:00:00.000+01:00'),
            connected(ws, 'early-z', '2025-01-10T08:00:00.000Z'),
          ]),
        );
        const ids = (await store.listConnections(ws)).map((c) => c.id);
        expect(ids).toEqual(['early-offset', 'early-z', 'a', 'b', 'late']);
      });

      it('survives closing and reopening the store', async () => {
        await apply(changesOf([connected(ws, 'c1', T0), planChanged(ws, 'starter', 'free', T0)]));
        await store.close();
        const reopened = await open();
        expect(await reopened.getConnection(ws, 'c1')).toMatchObject({ id: 'c1', version: 1 });
        expect(await reopened.getPlan(ws)).toBe('starter');
        expect(await reopened.getCheckpoint(projection)).toBe('1');
      });
    });

    describe('filters', () => {
      beforeEach(async () => {
        await apply(
          changesOf([
            connected(ws, 'fb-soon', T0, {
              platform: 'facebook',
              tokenExpiresAt: '2025-02-01T00:00:00.000Z',
            }),
            connected(ws, 'fb-never', T1, { platform: 'facebook', tokenExpiresAt: null }),
            connected(ws, 'x-later', T2, { platform: 'x', tokenExpiresAt: '2025-06-01T00:00:00Z' }),
            health('ConnectionExpired', ws, 'fb-soon', 'token end of life', T2),
          ]),
        );
      });

      it('filters by platform', async () => {
        const ids = (await store.listConnections(ws, { platform: 'facebook' })).map((c) => c.id);
        expect(ids).toEqual(['fb-soon', 'fb-never']);
        expect(await store.listConnections(ws, { platform: 'tiktok' })).toEqual([]);
      });

      it('filters by status', async () => {
        const expired = await store.listConnections(ws, { status: 'expired' });
        expect(expired.map((c) => c.id)).toEqual(['fb-soon']);
        const active = await store.listConnections(ws, { status: 'active' });
        expect(active.map((c) => c.id)).toEqual(['fb-never', 'x-later']);
      });

      it('filters by token expiry strictly before an instant, leaving out tokens without one', async () => {
        const before = async (instant: string) =>
          (await store.listConnections(ws, { tokenExpiresBefore: instant })).map((c) => c.id);
        expect(await before('2025-02-01T00:00:00.000Z')).toEqual([]);
        expect(await before('2025-02-01T00:00:00.001Z')).toEqual(['fb-soon']);
        expect(await before('2030-01-01T00:00:00Z')).toEqual(['fb-soon', 'x-later']);
      });

      it('combines filters', async () => {
        const found = await store.listConnections(ws, {
          platform: 'facebook',
          status: 'active',
          tokenExpiresBefore: '2030-01-01T00:00:00Z',
        });
        expect(found).toEqual([]);
      });
    });

    it('lists tokens expiring before an instant across workspaces, soonest first, for the refresh job', async () => {
      const other = `${ws}-other`;
      // Expiries in 2001, which no other test uses, so a shared database does not interfere.
      await apply(
        changesOf([
          connected(ws, 'late', T0, { tokenExpiresAt: '2001-03-01T00:00:00.000Z' }),
          connected(ws, 'never', T0, { tokenExpiresAt: null }),
          connected(ws, 'gone', T0, { tokenExpiresAt: '2001-01-01T00:00:00.000Z' }),
          disconnected(ws, 'gone', T1),
        ]).concat(
          changesOf([connected(other, 'soon', T1, { tokenExpiresAt: '2001-02-01T00:00:00.000Z' })]),
        ),
      );
      const mine = (views: { workspaceId: string; id: string }[]) =>
        views.filter((c) => c.workspaceId.startsWith(ws)).map((c) => c.id);
      expect(mine(await store.listTokensExpiringBefore('2001-12-31T00:00:00.000Z', 1000))).toEqual([
        'soon',
        'late',
      ]);
      expect(mine(await store.listTokensExpiringBefore('2001-02-15T00:00:00.000Z', 1000))).toEqual([
        'soon',
      ]);
      const firstOnly = await store.listTokensExpiringBefore('2001-12-31T00:00:00.000Z', 1);
      expect(firstOnly).toHaveLength(1);
    });

    it('pages through the connections of every workspace by id, leaving out disconnected ones, for the health check', async () => {
      const other = `${ws}-other`;
      // Ids under one fresh prefix, so rows of other tests sharing the database sort elsewhere.
      const prefix = `all-${randomUUID()}-`;
      await apply(
        changesOf([
          connected(ws, `${prefix}3`, T0),
          connected(ws, `${prefix}1`, T1),
          connected(ws, `${prefix}gone`, T0),
          disconnected(ws, `${prefix}gone`, T1),
        ]).concat(changesOf([connected(other, `${prefix}2`, T2)])),
      );
      const mine = (views: ConnectionView[]) =>
        views.filter((c) => c.id.startsWith(prefix)).map((c) => `${c.workspaceId}/${c.id}`);
      const first = await store.listAllConnections(prefix, 2);
      expect(first.map((c) => c.id)).toEqual([`${prefix}1`, `${prefix}2`]);
      expect(first[1]).toMatchObject({ workspaceId: other, platform: expect.any(String) });
      const next = await store.listAllConnections(first[1].id, 1000);
      expect(mine(next)).toEqual([`${ws}/${prefix}3`]);
      const everything: ConnectionView[] = [];
      for (let page = await store.listAllConnections(null, 50); ;) {
        everything.push(...page);
        if (page.length < 50) break;
        page = await store.listAllConnections(page[page.length - 1].id, 50);
      }
      expect(mine(everything)).toEqual([
        `${ws}/${prefix}1`,
        `${other}/${prefix}2`,
        `${ws}/${prefix}3`,
      ]);
    });

    it('keeps workspaces apart: connections, lists and plans', async () => {
      const other = `${ws}-other`;
      await apply(
        changesOf([connected(ws, 'c1', T0), planChanged(ws, 'enterprise', 'free', T0)]).concat(
          changesOf([connected(other, 'c2', T1)]),
        ),
      );
      expect((await store.listConnections(ws)).map((c) => c.id)).toEqual(['c1']);
      expect((await store.listConnections(other)).map((c) => c.id)).toEqual(['c2']);
      expect(await store.getPlan(ws)).toBe('enterprise');
      expect(await store.getPlan(other)).toBeNull();
    });

    describe('changes and versions', () => {
      it('sets only the fields a change names and bumps the version once per change', async () => {
        await apply(
          changesOf([
            connected(ws, 'c1', T0, { accountName: 'Old', tokenExpiresAt: null }),
            health('ConnectionErrored', ws, 'c1', 'permission revoked', T1),
          ]),
        );
        expect(await store.getConnection(ws, 'c1')).toMatchObject({
          status: 'error',
          statusReason: 'permission revoked',
          accountName: 'Old',
          version: 2,
        });
        await apply(changesOf([reconnected(ws, 'c1', T2, 'New', '2025-04-01T00:00:00.000Z')], 2));
        expect(await store.getConnection(ws, 'c1')).toMatchObject({
          status: 'active',
          statusReason: null,
          accountName: 'New',
          tokenExpiresAt: '2025-04-01T00:00:00.000Z',
          isMain: false,
          version: 3,
        });
        // The new expiry is what the filter sees.
        const expiring = await store.listConnections(ws, {
          tokenExpiresBefore: '2025-05-01T00:00:00Z',
        });
        expect(expiring.map((c) => c.id)).toEqual(['c1']);
      });

      it('moves main from one connection to another, bumping both versions', async () => {
        await apply(
          changesOf([
            connected(ws, 'c1', T0),
            connected(ws, 'c2', T1),
            mainSet(ws, 'c1', null, T1),
            mainSet(ws, 'c2', 'c1', T2),
          ]),
        );
        const list = await store.listConnections(ws);
        expect(list.map(({ id, isMain, version }) => ({ id, isMain, version }))).toEqual([
          { id: 'c1', isMain: false, version: 3 },
          { id: 'c2', isMain: true, version: 2 },
        ]);
      });

      it('ignores a change for a connection it does not know', async () => {
        await apply(changesOf([health('ConnectionExpired', ws, 'ghost', 'r', T0)]));
        expect(await store.listConnections(ws)).toEqual([]);
        expect(await store.getCheckpoint(projection)).toBe('1');
      });
    });

    describe('idempotence and ordering', () => {
      const history = (w: string): WorkspaceEvent[] => [
        connected(w, 'c1', T0),
        connected(w, 'c2', T0),
        mainSet(w, 'c1', null, T1),
        health('ConnectionExpired', w, 'c2', 'token end of life', T1),
        mainSet(w, 'c2', 'c1', T2),
        disconnected(w, 'c1', T2),
        planChanged(w, 'professional', 'free', T2),
      ];

      it('changes nothing when the same changes are applied again', async () => {
        const changes = changesOf(history(ws));
        await apply(changes, '7');
        const once = { list: await store.listConnections(ws), plan: await store.getPlan(ws) };
        await apply(changes, '7');
        await apply(changes.slice(2, 5), '7');
        expect({ list: await store.listConnections(ws), plan: await store.getPlan(ws) }).toEqual(
          once,
        );
        expect(once.list).toEqual([
          expect.objectContaining({ id: 'c2', isMain: true, status: 'expired', version: 3 }),
        ]);
      });

      it('ignores an older change arriving after a newer one', async () => {
        await apply(changesOf([connected(ws, 'c1', T0)]));
        await apply(changesOf([health('ConnectionExpired', ws, 'c1', 'newer', T2)], 5));
        await apply(changesOf([health('ConnectionErrored', ws, 'c1', 'older', T1)], 3));
        expect(await store.getConnection(ws, 'c1')).toMatchObject({
          status: 'expired',
          statusReason: 'newer',
          version: 2,
        });
      });

      it('ignores an older plan change arriving after a newer one', async () => {
        await apply(changesOf([planChanged(ws, 'starter', 'free', T2)], 4));
        await apply(changesOf([planChanged(ws, 'enterprise', 'free', T1)], 2));
        expect(await store.getPlan(ws)).toBe('starter');
      });
    });

    describe('removal', () => {
      it('hides a removed connection from get and list', async () => {
        await apply(
          changesOf([connected(ws, 'c1', T0), connected(ws, 'c2', T0), disconnected(ws, 'c1', T1)]),
        );
        expect(await store.getConnection(ws, 'c1')).toBeNull();
        expect((await store.listConnections(ws)).map((c) => c.id)).toEqual(['c2']);
      });

      it('does not bring a removed connection back when its connect or changes are replayed', async () => {
        const events = [
          connected(ws, 'c1', T0),
          health('ConnectionExpired', ws, 'c1', 'r', T1),
          disconnected(ws, 'c1', T2),
        ];
        await apply(changesOf(events));
        await apply(changesOf(events.slice(0, 2)));
        expect(await store.getConnection(ws, 'c1')).toBeNull();
        expect(await store.listConnections(ws)).toEqual([]);
      });

      it('shows a connection again when it is connected anew after its removal', async () => {
        await apply(changesOf([connected(ws, 'c1', T0), disconnected(ws, 'c1', T1)]));
        await apply(changesOf([connected(ws, 'c1', T2, { accountName: 'Back' })], 2));
        expect(await store.getConnection(ws, 'c1')).toMatchObject({
          accountName: 'Back',
          connectedAt: T2,
          status: 'active',
          version: 1,
        });
      });
    });

    describe('plan', () => {
      it('is null until set, then follows the latest change', async () => {
        expect(await store.getPlan(ws)).toBeNull();
        await apply(
          changesOf([
            planChanged(ws, 'starter', 'free', T0),
            planChanged(ws, 'professional', 'starter', T1),
          ]),
        );
        expect(await store.getPlan(ws)).toBe('professional');
      });
    });

    describe('checkpoints', () => {
      it('is null before anything is applied and follows apply, even with no changes', async () => {
        expect(await store.getCheckpoint(projection)).toBeNull();
        await apply([], '5');
        expect(await store.getCheckpoint(projection)).toBe('5');
        await apply(changesOf([connected(ws, 'c1', T0)]), '12');
        expect(await store.getCheckpoint(projection)).toBe('12');
      });

      it('never moves backwards', async () => {
        await apply([], '12');
        await apply([], '9');
        expect(await store.getCheckpoint(projection)).toBe('12');
      });

      it('keeps one checkpoint per projection', async () => {
        const other = `${projection}-other`;
        await apply([], '3');
        await store.apply([], { projection: other, position: '8' });
        expect(await store.getCheckpoint(projection)).toBe('3');
        expect(await store.getCheckpoint(other)).toBe('8');
      });

      it("reset drops the data and the checkpoint, not other projections' checkpoints", async () => {
        const other = `${projection}-other`;
        await store.apply([], { projection: other, position: '8' });
        await apply(
          changesOf([connected(ws, 'c1', T0), planChanged(ws, 'starter', 'free', T0)]),
          '40',
        );
        await store.reset(projection);
        expect(await store.getCheckpoint(projection)).toBeNull();
        expect(await store.getCheckpoint(other)).toBe('8');
        expect(await store.listConnections(ws)).toEqual([]);
        expect(await store.getConnection(ws, 'c1')).toBeNull();
        expect(await store.getPlan(ws)).toBeNull();
        // After a reset the model builds again from revision 0.
        await apply(changesOf([connected(ws, 'c1', T1)]), '1');
        expect(await store.getConnection(ws, 'c1')).toMatchObject({ connectedAt: T1, version: 1 });
        expect(await store.getCheckpoint(projection)).toBe('1');
      });
    });

    describePublishingContract({
      store: () => store,
      open,
      ws: () => ws,
      projection: () => projection,
      changesOf,
    });

    it('ends in the same state when two instances apply the same events concurrently', async () => {
      const second = await open();
      const events: WorkspaceEvent[] = [];
      for (let i = 0; i < 10; i++) events.push(connected(ws, `c${i}`, T0));
      for (let i = 1; i < 10; i++) events.push(mainSet(ws, `c${i}`, `c${i - 1}`, T1));
      for (let i = 0; i < 10; i += 2)
        events.push(health('ConnectionErrored', ws, `c${i}`, 'r', T2));
      // One apply per event, as the runner does, with the position after that event.
      const batches = events.map((event, i) => ({
        changes: changesOf([event], i),
        position: String(i + 1),
      }));
      const run = (instance: WorkspaceReadModel) =>
        (async () => {
          for (const batch of batches) await apply(batch.changes, batch.position, instance);
        })();
      await Promise.all([run(store), run(second)]);

      const list = await store.listConnections(ws);
      expect(list).toHaveLength(10);
      expect(list.filter((c) => c.isMain).map((c) => c.id)).toEqual(['c9']);
      // Each event touching a connection counts once: c4 = add, promote, demote, error.
      const versions = Object.fromEntries(list.map((c) => [c.id, c.version]));
      expect(versions.c0).toBe(3);
      expect(versions.c5).toBe(3);
      expect(versions.c4).toBe(4);
      expect(versions.c9).toBe(2);
      expect(await second.listConnections(ws)).toEqual(list);
      expect(await store.getCheckpoint(projection)).toBe(String(events.length));
    });
  });
}
