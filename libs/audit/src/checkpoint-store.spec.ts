import Database from 'better-sqlite3';
import mongoose, { type Connection } from 'mongoose';
import { join } from 'node:path';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { checkpointStoreContract } from './checkpoint-store.contract';
import { MongoCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';

checkpointStoreContract('SqliteCheckpointStore (a file on disk)', async () => {
  const dir = makeTempDir('ledger-checkpoints-');
  const store = SqliteCheckpointStore.open({
    sqlitePath: join(dir.path, 'audit-checkpoints.sqlite'),
  });
  return {
    store,
    close: async () => {
      await store.close();
      dir.remove();
    },
  };
});

checkpointStoreContract('MongoCheckpointStore (FerretDB over the wire)', async () => {
  const connection = await mongoose
    .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('checkpoints') })
    .asPromise();
  // The audit read model keeps its feed position in the same collection.
  await connection
    .collection<{ _id: string; position: string }>('audit_checkpoints')
    .insertOne({ _id: 'audit', position: '7' });
  return {
    store: await MongoCheckpointStore.open({ mongo: connection }),
    close: async () => {
      await connection.dropDatabase();
      await connection.close();
    },
  };
});

const LEGACY_ROW = {
  streamId: 'workspace-old',
  revision: 3,
  hash: 'a'.repeat(64),
  signedAt: '2030-01-01T00:00:00.000Z',
  keyId: 'k',
  signature: 'c2ln',
};

describe('checkpoints stored before chaining', () => {
  it('SQLite: a file with the old table gains the chain columns; its rows read as legacy', async () => {
    const dir = makeTempDir('ledger-checkpoints-old-');
    const file = join(dir.path, 'audit-checkpoints.sqlite');
    try {
      const db = new Database(file);
      db.exec(`CREATE TABLE checkpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
        hash TEXT NOT NULL, signed_at TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL,
        UNIQUE (stream_id, revision))`);
      db.prepare(
        'INSERT INTO checkpoints (stream_id, revision, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(...Object.values(LEGACY_ROW));
      db.close();
      const store = SqliteCheckpointStore.open({ sqlitePath: file });
      const legacy = { ...LEGACY_ROW, sequence: null, prevCheckpointHash: null };
      expect(await store.forStream('workspace-old')).toEqual([legacy]);
      expect(await store.latest('workspace-old')).toEqual(legacy);
      await store.close();
      // Opening again migrates nothing twice.
      const again = SqliteCheckpointStore.open({ sqlitePath: file });
      expect(await again.forStream('workspace-old')).toEqual([legacy]);
      await again.close();
    } finally {
      dir.remove();
    }
  });

  it('Mongo: a document without sequence reads as legacy', async () => {
    const connection: Connection = await mongoose
      .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('checkpoints_old') })
      .asPromise();
    try {
      await connection
        .collection('audit_checkpoints')
        .insertOne({ ...LEGACY_ROW, seq: new Date() });
      const store = await MongoCheckpointStore.open({ mongo: connection });
      const legacy = { ...LEGACY_ROW, sequence: null, prevCheckpointHash: null };
      expect(await store.forStream('workspace-old')).toEqual([legacy]);
      expect(await store.latest('workspace-old')).toEqual(legacy);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  });
});
