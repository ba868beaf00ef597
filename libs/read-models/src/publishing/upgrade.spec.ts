import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { workspaceStream, type WorkspaceEvent } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store/sqlite/sqlite-event-store';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import type { WorkspaceReadModel } from '../workspace-read-model.port';
import { MongoWorkspaceReadModel } from '../mongo/mongo-workspace-read-model';
import { ProjectionRunner } from '../projection-runner';
import { SqliteWorkspaceReadModel } from '../sqlite/sqlite-workspace-read-model';
import { campaignCreated, connected, postScheduled } from '../testing/workspace-events';

const PUBLISHING = ['rm_posts', 'rm_campaigns', 'rm_campaign_flags'];
const METADATA = {
  actor: { userId: 'u1', role: 'admin' as const, ip: null, userAgent: null },
  correlationId: 'upgrade',
  causationId: null,
  schemaVersion: 1,
};

/** A read model database, and a way to take it back to before posts and campaigns were kept. */
interface Backend {
  open(): Promise<WorkspaceReadModel>;
  dropPublishing(): Promise<void>;
  dispose(): Promise<void>;
}

const backends: [string, (dir: string) => Backend][] = [
  [
    'SQLite',
    (dir) => {
      const file = join(dir, 'read-models.sqlite');
      return {
        open: async () => SqliteWorkspaceReadModel.open({ sqlitePath: file }),
        dropPublishing: async () => {
          const db = new Database(file);
          for (const table of PUBLISHING) db.exec(`DROP TABLE ${table}`);
          db.close();
        },
        dispose: async () => undefined,
      };
    },
  ],
  [
    'mongoose on FerretDB',
    () => {
      const dbName = uniqueDatabaseName('upgrade');
      const onDatabase = async (work: (db: mongoose.Connection) => Promise<unknown>) => {
        const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
        try {
          await work(connection);
        } finally {
          await connection.close();
        }
      };
      return {
        open: () => MongoWorkspaceReadModel.open({ uri: testMongoUri(), dbName }),
        dropPublishing: () =>
          onDatabase(async (db) => {
            for (const name of PUBLISHING) await db.dropCollection(name);
          }),
        dispose: () => onDatabase((db) => db.dropDatabase()),
      };
    },
  ],
];

describe.each(backends)('a read model written before posts were kept (%s)', (_, backendIn) => {
  const dir = makeTempDir('ledger-upgrade-');
  const backend = backendIn(dir.path);
  const events = new SqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  afterAll(async () => {
    await events.close();
    await backend.dispose();
    dir.remove();
  });

  const catchUp = async (model: WorkspaceReadModel, position: string) => {
    const runner = new ProjectionRunner(events, model, { projection: 'connections' });
    runner.start();
    await runner.waitUntilCaughtUp(position);
    await runner.stop();
  };

  it('fills posts and campaigns from the start of the feed once opened by this version', async () => {
    const ws = `ws-${randomUUID()}`;
    const history: WorkspaceEvent[] = [
      connected(ws, 'c1', '2025-01-10T08:00:00.000Z'),
      campaignCreated(
        ws,
        'camp',
        'Launch',
        [{ platform: 'facebook', connectionId: null }],
        '2025-01-10T08:00:00.000Z',
      ),
      postScheduled(ws, 'p1', '2027-01-01T09:00:00.000Z', '2025-01-10T08:00:00.000Z'),
    ];
    let position = '';
    for (const { type, data } of history) {
      const event = { id: randomUUID(), type, data: { ...data }, metadata: METADATA };
      ({ position } = await events.append(workspaceStream(ws), [event], 'any'));
    }
    const before = await backend.open();
    await catchUp(before, position);
    await before.close();
    // As a store of the previous version left it: connections and a checkpoint at the end.
    await backend.dropPublishing();

    const upgraded = await backend.open();
    try {
      await catchUp(upgraded, position);
      expect((await upgraded.listPosts(ws, { after: null, limit: 10 })).map((p) => p.id)).toEqual([
        'p1',
      ]);
      expect((await upgraded.listCampaigns(ws)).map((c) => c.name)).toEqual(['Launch']);
      expect(await upgraded.getConnection(ws, 'c1')).toMatchObject({ version: 1 });
      expect(await upgraded.getCheckpoint('connections')).toBe(position);
    } finally {
      await upgraded.close();
    }
    // Opened again, an upgraded store keeps its checkpoint.
    const reopened = await backend.open();
    expect(await reopened.getCheckpoint('connections')).toBe(position);
    await reopened.close();
  });
});
