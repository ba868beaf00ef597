import mongoose, { type Connection } from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { duePostsStoreContract } from './due-posts.contract';
import { MongoDuePostsStore } from './mongo-due-posts.store';

duePostsStoreContract('MongoDuePostsStore (FerretDB over the wire)', async () => {
  const dbName = uniqueDatabaseName('due_posts');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    connections.push(connection);
    return MongoDuePostsStore.open({ connection });
  };
  const store = await open();
  return {
    store,
    openAnother: open,
    close: async () => {
      await connections[0].dropDatabase();
      for (const connection of connections) await connection.close();
    },
  };
});
