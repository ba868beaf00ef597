import mongoose from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { describeWorkspaceReadModelContract } from '../contract/workspace-read-model.contract';
import { MongoWorkspaceReadModel } from './mongo-workspace-read-model';

// FerretDB over the MongoDB wire, one database for this file.
describeWorkspaceReadModelContract('mongoose (FerretDB over the wire)', async () => {
  const dbName = uniqueDatabaseName('read_models');
  return {
    open: () => MongoWorkspaceReadModel.open({ uri: testMongoUri(), dbName }),
    dispose: async () => {
      const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    },
  };
});

describe('MongoWorkspaceReadModel with a caller-owned connection', () => {
  it('uses the connection it is given and leaves it open on close', async () => {
    const connection = await mongoose
      .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('read_models_shared') })
      .asPromise();
    try {
      const first = await MongoWorkspaceReadModel.open({ mongo: connection });
      const second = await MongoWorkspaceReadModel.open({ mongo: connection });
      await first.apply(
        [{ kind: 'planChanged', streamRevision: 0, workspaceId: 'w', plan: 'starter' }],
        {
          projection: 'p',
          position: '1',
        },
      );
      await first.close();
      expect(connection.readyState).toBe(mongoose.ConnectionStates.connected);
      expect(await second.getPlan('w')).toBe('starter');
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  });
});
