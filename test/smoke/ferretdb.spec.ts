import mongoose from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';

describe('FerretDB (over the MongoDB wire, for the mongoose adapters)', () => {
  it('stores and reads back a document through mongoose', async () => {
    const connection = await mongoose
      .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('smoke') })
      .asPromise();
    try {
      const Model = connection.model('Probe', new mongoose.Schema({ name: String }));
      await Model.create({ name: 'first' });
      const found = await Model.findOne({ name: 'first' }).lean();
      expect(found?.name).toBe('first');
    } finally {
      await connection.close();
    }
  });
});
