import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import mongoose from 'mongoose';
import { sealedTokenStoreContract } from '../contract/sealed-token-store.contract';
import { MongoSealedTokenStore } from './mongo-sealed-token-store';

sealedTokenStoreContract('mongoose over FerretDB', async () => {
  const dbName = uniqueDatabaseName('token_vault');
  return {
    open: () => MongoSealedTokenStore.connect(testMongoUri(), { dbName }),
    dispose: async () => {
      const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      await connection.dropDatabase();
      await connection.close();
    },
  };
});

describe('MongoSealedTokenStore on a caller-owned connection', () => {
  it('leaves the connection open on close() and can be created twice on it', async () => {
    const dbName = uniqueDatabaseName('token_vault');
    const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    try {
      const first = await MongoSealedTokenStore.open({ mongo: connection });
      const second = await MongoSealedTokenStore.open({ mongo: connection });
      await first.deleteWorkspace('ws-1');
      await first.close();
      expect(connection.readyState).toBe(mongoose.ConnectionStates.connected);
      expect(await second.countByKeyId()).toEqual({});
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});
