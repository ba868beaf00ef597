import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { accountClaimStream, workspaceStream, type WorkspaceEvent } from '@ledger/domain';
import type { EventStore, EventToAppend } from '@ledger/event-store';
import { SqliteEventStore } from '@ledger/event-store/sqlite/sqlite-event-store';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import type { WorkspaceReadModel } from './workspace-read-model.port';
import { projectConnectionsEvent } from './connections/connections.projection';
import { MongoWorkspaceReadModel } from './mongo/mongo-workspace-read-model';
import { ProjectionRunner } from './projection-runner';
import { SqliteWorkspaceReadModel } from './sqlite/sqlite-workspace-read-model';
import {
  connected,
  disconnected,
  health,
  mainSet,
  planChanged,
  reconnected,
} from './testing/workspace-events';
import { ProjectionLagError } from './wait-for-checkpoint';

const PROJECTION = 'connections';

/** Opens read models on one database; each test gets its own. */
interface ReadModelDatabase {
  open(): Promise<WorkspaceReadModel>;
  dispose(): Promise<void>;
}

const adapters: [string, (dir: string) => ReadModelDatabase][] = [
  [
    'SQLite',
    (dir) => {
      let n = 0;
      // A fresh file per open(): each model in a test is its own database.
      return {
        open: async () =>
          SqliteWorkspaceReadModel.open({ sqlitePath: join(dir, `read-model-${n++}.sqlite`) }),
        dispose: async () => undefined,
      };
    },
  ],
  [
    'mongoose on FerretDB',
    () => {
      const names: string[] = [];
      return {
        open: async () => {
          const dbName = uniqueDatabaseName('runner');
          names.push(dbName);
          return MongoWorkspaceReadModel.open({ uri: testMongoUri(), dbName });
        },
        dispose: async () => {
          const connection = await mongoose.createConnection(testMongoUri()).asPromise();
          try {
            for (const name of names) await connection.useDb(name).dropDatabase();
          } finally {
            await connection.close();
          }
        },
      };
    },
  ],
];

const T = (day: number) => `2025-02-${String(day).padStart(2, '0')}T09:00:00.000Z`;

function toAppend(event: { type: string; data: object }): EventToAppend {
  return {
    id: randomUUID(),
    type: event.type,
    data: { ...event.data },
    metadata: {
      actor: { userId: 'u1', role: 'admin', ip: null, userAgent: null },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

describe.each(adapters)('ProjectionRunner with the SQLite event store and %s', (_, database) => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: ReadModelDatabase;
  let store: EventStore;
  let ws: string;
  let otherWs: string;
  const cleanups: (() => Promise<void>)[] = [];

  const openModel = async () => {
    const model = await db.open();
    cleanups.push(() => model.close());
    return model;
  };
  const runner = (model: WorkspaceReadModel, options = {}) => {
    const r = new ProjectionRunner(store, model, {
      projection: PROJECTION,
      retryDelayMs: 10,
      onError: () => undefined,
      ...options,
    });
    cleanups.push(() => r.stop());
    return r;
  };
  /** Appends workspace events (each its own append, like commands do); returns the last position. */
  const append = async (events: WorkspaceEvent[]): Promise<string> => {
    let position = '';
    for (const event of events) {
      const stream = workspaceStream(String(event.data.workspaceId));
      position = (await store.append(stream, [toAppend(event)], 'any')).position;
    }
    return position;
  };
  const snapshot = async (model: WorkspaceReadModel) => ({
    connections: [...(await model.listConnections(ws)), ...(await model.listConnections(otherWs))],
    plans: [await model.getPlan(ws), await model.getPlan(otherWs)],
  });

  const firstRound = (): WorkspaceEvent[] => [
    connected(ws, 'c1', T(1), { tokenExpiresAt: T(20) }),
    connected(ws, 'c2', T(2)),
    mainSet(ws, 'c1', null, T(3)),
    connected(otherWs, 'c9', T(3), { copiedFrom: { workspaceId: ws, connectionId: 'c1' } }),
    planChanged(ws, 'starter', 'free', T(4)),
  ];
  const secondRound = (): WorkspaceEvent[] => [
    health('ConnectionExpired', ws, 'c1', 'token end of life', T(5)),
    mainSet(ws, 'c2', 'c1', T(6)),
    reconnected(ws, 'c1', T(7), 'Renamed', T(30)),
    disconnected(otherWs, 'c9', T(8)),
    connected(ws, 'c3', T(9), { platform: 'tiktok', accountType: 'business' }),
  ];

  beforeEach(() => {
    dir = makeTempDir('ledger-runner-');
    db = database(dir.path);
    store = new SqliteEventStore({ path: join(dir.path, 'events.sqlite'), pollIntervalMs: 20 });
    ws = `ws-${randomUUID()}`;
    otherWs = `ws-${randomUUID()}`;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    await db.dispose();
    dir.remove();
  });

  it('projects appended events, past and live, skipping events of other streams', async () => {
    const model = await openModel();
    await append(firstRound());
    // An account claim event shares the feed but is not the read model's business.
    const claim = await store.append(
      accountClaimStream('facebook', 'acct-c1'),
      [toAppend({ type: 'AccountClaimed', data: { workspaceId: ws } })],
      'no_stream',
    );
    const r = runner(model);
    r.start();
    await r.waitUntilCaughtUp(claim.position);
    expect(await model.getCheckpoint(PROJECTION)).toBe(claim.position);
    expect(await model.getConnection(ws, 'c1')).toMatchObject({
      isMain: true,
      version: 2,
      tokenExpiresAt: T(20),
    });
    expect(await model.getPlan(ws)).toBe('starter');

    const last = await append(secondRound());
    await r.waitUntilCaughtUp(last);
    const list = await model.listConnections(ws);
    expect(
      list.map(({ id, isMain, status, accountName, version }) => ({
        id,
        isMain,
        status,
        accountName,
        version,
      })),
    ).toEqual([
      { id: 'c1', isMain: false, status: 'active', accountName: 'Renamed', version: 5 },
      { id: 'c2', isMain: true, status: 'active', accountName: 'Account c2', version: 2 },
      { id: 'c3', isMain: false, status: 'active', accountName: 'Account c3', version: 1 },
    ]);
    expect(await model.listConnections(otherWs)).toEqual([]);
  });

  it('converges after a stop, appends while stopped and a restart', async () => {
    const model = await openModel();
    const first = runner(model);
    first.start();
    const afterFirst = await append(firstRound());
    await first.waitUntilCaughtUp(afterFirst);
    await first.stop();

    const afterSecond = await append(secondRound());
    // Stopped means stopped: nothing of the second round arrives.
    await expect(first.waitUntilCaughtUp(afterSecond, { timeoutMs: 150 })).rejects.toBeInstanceOf(
      ProjectionLagError,
    );
    expect(await model.getCheckpoint(PROJECTION)).toBe(afterFirst);

    const second = runner(model);
    second.start();
    await second.waitUntilCaughtUp(afterSecond);

    const reference = await openModel();
    const fresh = runner(reference);
    fresh.start();
    await fresh.waitUntilCaughtUp(afterSecond);
    expect(await snapshot(model)).toEqual(await snapshot(reference));
  });

  it('rebuilds from scratch to what it built incrementally', async () => {
    const model = await openModel();
    // Small pages so the rebuild goes through several batches.
    const r = runner(model, { batchSize: 3 });
    r.start();
    await r.waitUntilCaughtUp(await append(firstRound()));
    const last = await append(secondRound());
    await r.waitUntilCaughtUp(last);
    const incremental = await snapshot(model);

    // Damage the model in a way no replay would repair: only a reset and replay undoes it.
    await model.apply(
      [
        {
          kind: 'connectionChanged',
          streamRevision: 1_000,
          workspaceId: ws,
          connectionId: 'c2',
          set: { accountName: 'CORRUPTED' },
        },
      ],
      { projection: PROJECTION, position: last },
    );
    await r.rebuild();
    expect(await model.getCheckpoint(PROJECTION)).toBe(last);
    expect(await snapshot(model)).toEqual(incremental);

    // It follows the feed again after the rebuild.
    const more = await append([health('ConnectionErrored', ws, 'c3', 'account deleted', T(10))]);
    await r.waitUntilCaughtUp(more);
    expect(await model.getConnection(ws, 'c3')).toMatchObject({ status: 'error', version: 2 });
  });

  it('leaves the model unchanged when it replays events applied before a crash lost the checkpoint', async () => {
    const events = [...firstRound(), ...secondRound()];
    const last = await append(events);
    const reference = await openModel();
    const clean = runner(reference);
    clean.start();
    await clean.waitUntilCaughtUp(last);

    // The crashed model: every event applied, but the checkpoint stuck at the third event.
    const crashed = await openModel();
    const feed = await store.readAll({ after: null, maxCount: 100 });
    expect(feed).toHaveLength(events.length);
    await crashed.apply(feed.flatMap(projectConnectionsEvent), {
      projection: PROJECTION,
      position: feed[2].position,
    });
    const recovering = runner(crashed, { batchSize: 2 });
    recovering.start();
    await recovering.waitUntilCaughtUp(last);
    expect(await snapshot(crashed)).toEqual(await snapshot(reference));
  });

  it('retries after a failed apply and converges', async () => {
    const model = await openModel();
    let failures = 2;
    const errors: unknown[] = [];
    // A real store whose first applies fail, as when the database is briefly unreachable.
    const flaky: WorkspaceReadModel = {
      apply: async (changes, checkpoint) => {
        if (failures-- > 0) throw new Error('database unreachable');
        return model.apply(changes, checkpoint);
      },
      getCheckpoint: (projection) => model.getCheckpoint(projection),
      reset: (projection) => model.reset(projection),
      getConnection: (workspaceId, id) => model.getConnection(workspaceId, id),
      listConnections: (workspaceId, filter) => model.listConnections(workspaceId, filter),
      listTokensExpiringBefore: (before, limit) => model.listTokensExpiringBefore(before, limit),
      listAllConnections: (afterId, limit) => model.listAllConnections(afterId, limit),
      getPlan: (workspaceId) => model.getPlan(workspaceId),
      getPost: (workspaceId, id) => model.getPost(workspaceId, id),
      listPosts: (workspaceId, page) => model.listPosts(workspaceId, page),
      listCampaigns: (workspaceId) => model.listCampaigns(workspaceId),
      close: () => model.close(),
    };
    const r = runner(flaky, { onError: (error: unknown) => errors.push(error) });
    r.start();
    const last = await append(firstRound());
    await r.waitUntilCaughtUp(last);
    expect(errors).toHaveLength(2);
    // The checkpoint can show in the store (polled) a moment before the apply that wrote it
    // returns and clears the error: wait for that apply, briefly.
    for (let i = 0; i < 100 && r.lastError !== null; i++)
      await new Promise((ok) => setTimeout(ok, 10));
    expect(r.lastError).toBeNull();
    expect((await model.listConnections(ws)).map((c) => c.id)).toEqual(['c1', 'c2']);
  });
});

describe('ProjectionRunner in one process with its readers', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let model: SqliteWorkspaceReadModel;
  let r: ProjectionRunner;
  const planChanged = (workspaceId: string, n: number) =>
    toAppend({
      type: 'WorkspacePlanChanged',
      data: {
        workspaceId,
        plan: n % 2 ? 'starter' : 'professional',
        previousPlan: 'free',
        at: T(n),
      },
    });

  beforeEach(() => {
    dir = makeTempDir('ledger-runner-');
    store = new SqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    model = SqliteWorkspaceReadModel.open({ sqlitePath: join(dir.path, 'read.sqlite') });
    r = new ProjectionRunner(store, model, { projection: PROJECTION });
  });

  afterEach(async () => {
    await r.stop();
    await model.close();
    await store.close();
    dir.remove();
  });

  it('fails with the lag when the position is not reached in time', async () => {
    await model.apply([], { projection: PROJECTION, position: '4' });
    await expect(r.waitUntilCaughtUp('5', { timeoutMs: 50 })).rejects.toMatchObject({
      name: 'ProjectionLagError',
      checkpoint: '4',
      position: '5',
    });
    await expect(r.waitUntilCaughtUp('4', { timeoutMs: 50 })).resolves.toBeUndefined();
  });

  it('answers as soon as this process applies the position, without waiting for the next poll', async () => {
    const reads = jest.spyOn(model, 'getCheckpoint');
    const appended = await store.append(
      workspaceStream('ws-wake'),
      [planChanged('ws-wake', 1)],
      'no_stream',
    );
    // An hour between polls: only the runner's notification can end this wait in time.
    const caughtUp = r.waitUntilCaughtUp(appended.position, {
      intervalMs: 3_600_000,
      timeoutMs: 5_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the wait has read the checkpoint
    expect(reads).toHaveBeenCalledTimes(1);
    r.start();
    await caughtUp;
    expect(await model.getCheckpoint(PROJECTION)).toBe(appended.position);
  });

  it('tells onApplied listeners each checkpoint it commits, until they unregister', async () => {
    const seen: string[] = [];
    const unlisten = r.onApplied((position) => seen.push(position));
    r.start();
    const first = await store.append(
      workspaceStream('ws-l'),
      [planChanged('ws-l', 1)],
      'no_stream',
    );
    await r.waitUntilCaughtUp(first.position);
    unlisten();
    const second = await store.append(workspaceStream('ws-l'), [planChanged('ws-l', 2)], 0);
    await r.waitUntilCaughtUp(second.position);
    expect(seen).toEqual([first.position]);
  });

  it('applies a burst of live events together, not one transaction per event', async () => {
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 20)); // caught up, now following
    const applies = jest.spyOn(model, 'apply');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.append(
          workspaceStream(`ws-burst-${i}`),
          [planChanged(`ws-burst-${i}`, 1)],
          'no_stream',
        ),
      ),
    );
    const last = results.map((a) => a.position).sort((a, b) => Number(a) - Number(b))[49];
    await r.waitUntilCaughtUp(last);
    expect(applies.mock.calls.length).toBeLessThan(5);
    for (let i = 0; i < 50; i++) expect(await model.getPlan(`ws-burst-${i}`)).toBe('starter');
  });
});
