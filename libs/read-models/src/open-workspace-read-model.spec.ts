import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { MongoWorkspaceReadModel } from './mongo/mongo-workspace-read-model';
import { openWorkspaceReadModel, READ_MODEL_FILE } from './open-workspace-read-model';
import { SqliteWorkspaceReadModel } from './sqlite/sqlite-workspace-read-model';

describe('openWorkspaceReadModel', () => {
  it('opens a SQLite file in the data directory when no MongoDB URI is given', async () => {
    const dir = makeTempDir();
    const dataDir = join(dir.path, 'nested', 'data');
    const model = await openWorkspaceReadModel({ dataDir });
    try {
      expect(model).toBeInstanceOf(SqliteWorkspaceReadModel);
      expect(existsSync(join(dataDir, READ_MODEL_FILE))).toBe(true);
    } finally {
      await model.close();
      dir.remove();
    }
  });

  it('opens MongoDB when a URI is given', async () => {
    const dbName = uniqueDatabaseName('open_read_model');
    const model = await openWorkspaceReadModel({
      mongodbUri: testMongoUri(),
      mongodbDbName: dbName,
      dataDir: '/nonexistent-and-unused',
    });
    try {
      expect(model).toBeInstanceOf(MongoWorkspaceReadModel);
      await model.apply(
        [{ kind: 'planChanged', streamRevision: 0, workspaceId: 'w', plan: 'free' }],
        {
          projection: 'p',
          position: '1',
        },
      );
      // Really in that database, over the wire.
      const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      const names = (await connection.listCollections()).map((c) => c.name);
      await connection.dropDatabase();
      await connection.close();
      expect(names).toEqual(expect.arrayContaining(['rm_workspace_plans', 'feed_checkpoints']));
    } finally {
      await model.close();
    }
  });
});
