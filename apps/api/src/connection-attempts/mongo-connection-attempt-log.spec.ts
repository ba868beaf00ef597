import mongoose, { type Connection } from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { connectionAttemptLogContract } from './connection-attempt-log.contract';
import { MongoConnectionAttemptLog } from './mongo-connection-attempt-log';

connectionAttemptLogContract('MongoConnectionAttemptLog (FerretDB over the wire)', async () => {
  const dbName = uniqueDatabaseName('connection_attempts');
  const connect = () => mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
  const first = await connect();
  const connections: Connection[] = [first];
  const log = await MongoConnectionAttemptLog.open({ mongo: first });
  return {
    log,
    // Its own connection (own socket pool and model registry), as another API process has.
    openAnother: async () => {
      const connection = await connect();
      connections.push(connection);
      return await MongoConnectionAttemptLog.open({ mongo: connection });
    },
    storedAttempts: async ({ userId, workspaceId }) => {
      // The newest version holds the key's state.
      const [head] = await first
        .collection<{ attempts: Date[]; version: number }>('connection_attempts')
        .find({ key: JSON.stringify([workspaceId, userId]) })
        .sort({ version: -1 })
        .limit(1)
        .toArray();
      return head?.attempts.length ?? 0;
    },
    close: async () => {
      await first.dropDatabase();
      for (const connection of connections) await connection.close();
    },
  };
});

describe('MongoConnectionAttemptLog versions', () => {
  const HOUR = 3_600_000;
  const T0 = new Date('2030-01-01T09:00:00Z').getTime();
  let connection: Connection;
  let log: MongoConnectionAttemptLog;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('connection_attempts') })
      .asPromise();
    log = await MongoConnectionAttemptLog.open({ mongo: connection });
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const docsOf = (userId: string) =>
    connection
      .collection<{ _id: string; version: number; supersededAt?: Date }>('connection_attempts')
      .find({ userId })
      .sort({ version: 1 })
      .toArray();

  it('keeps superseded versions for a window, then sweeps them; never the newest', async () => {
    const user = 'versioned';
    for (let i = 0; i < 3; i += 1) {
      await log.recordIfAllowed({ userId: user, workspaceId: 'w' }, new Date(T0 + i), 10, HOUR);
    }
    const docs = await docsOf(user);
    expect(docs.map((d) => d.version)).toEqual([0, 1, 2]);
    expect(docs.map((d) => d.supersededAt !== undefined)).toEqual([true, true, false]);
    // Not yet a window after they were superseded: nothing goes.
    expect(await log.sweepSuperseded(new Date(T0))).toBe(0);
    expect(await log.sweepSuperseded(new Date(T0 + HOUR))).toBe(2);
    expect((await docsOf(user)).map((d) => d.version)).toEqual([2]);
    // Long idle: the newest version stays and the key goes on from it.
    expect(await log.sweepSuperseded(new Date(T0 + 100 * HOUR))).toBe(0);
    expect(
      await log.recordIfAllowed(
        { userId: user, workspaceId: 'w' },
        new Date(T0 + 100 * HOUR),
        10,
        HOUR,
      ),
    ).toEqual({ allowed: true, remaining: 9 });
    expect((await docsOf(user)).map((d) => d.version)).toEqual([2, 3]);
  });

  it('sweeps on its own once a minute as attempts come in', async () => {
    const user = 'swept';
    await log.recordIfAllowed(
      { userId: user, workspaceId: 'w' },
      new Date(T0 + 200 * HOUR),
      10,
      HOUR,
    );
    await log.recordIfAllowed(
      { userId: user, workspaceId: 'w' },
      new Date(T0 + 200 * HOUR),
      10,
      HOUR,
    );
    expect(await docsOf(user)).toHaveLength(2);
    await log.recordIfAllowed(
      { userId: 'other', workspaceId: 'w' },
      new Date(T0 + 202 * HOUR),
      10,
      HOUR,
    );
    expect((await docsOf(user)).map((d) => d.version)).toEqual([1]);
  });
});
