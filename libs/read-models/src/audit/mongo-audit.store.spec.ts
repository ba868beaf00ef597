import mongoose, { type Connection } from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { auditStoreContract } from './audit.contract';
import { MongoAuditStore } from './mongo-audit.store';

auditStoreContract('MongoAuditStore (FerretDB over the wire)', async () => {
  const dbName = uniqueDatabaseName('audit');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    connections.push(connection);
    return MongoAuditStore.open({ connection });
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
