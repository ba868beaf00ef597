import mongoose from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { MongoIdempotencyStore } from './mongo-idempotency.store';

idempotencyStoreContract('MongoIdempotencyStore (FerretDB over the wire)', async () => {
  const connection = await mongoose
    .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('idempotency') })
    .asPromise();
  const store = await MongoIdempotencyStore.open({ mongo: connection });
  return {
    store,
    close: async () => {
      await connection.dropDatabase();
      await connection.close();
    },
  };
});
