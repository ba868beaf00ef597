import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';

/** The FerretDB started by global-setup, with a database of the test's own. */
export function testMongoUri(): string {
  const base = process.env.LEDGER_TEST_MONGODB_URI;
  if (!base)
    throw new Error(
      'LEDGER_TEST_MONGODB_URI is not set: run the tests through jest (global-setup starts FerretDB)',
    );
  return base;
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/**
 * A store under its contract over the wire: the first store, `openAnother` for a second process
 * on the same database (each with its own connection), and a close that drops the database.
 */
export async function openOverTheWire<S>(
  prefix: string,
  open: (connection: Connection) => Promise<S>,
): Promise<{ store: S; openAnother: () => Promise<S>; close: () => Promise<void> }> {
  const dbName = uniqueDatabaseName(prefix);
  const connections: Connection[] = [];
  const openAnother = async () => {
    const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    connections.push(connection);
    return open(connection);
  };
  const store = await openAnother();
  return {
    store,
    openAnother,
    close: async () => {
      await connections[0].dropDatabase();
      for (const connection of connections) await connection.close();
    },
  };
}
