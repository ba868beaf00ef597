import mongoose, { type Connection } from 'mongoose';

/** Where a Mongo store lives: the process's shared connection, or a URI it connects to itself. */
export type MongoLocation = { mongo: Connection } | { uri: string; dbName: string };

/** The connection for a store, and whether the store owns it (closes it on close). */
export async function connectMongo(
  location: MongoLocation,
): Promise<{ connection: Connection; owned: boolean }> {
  if ('mongo' in location) return { connection: location.mongo, owned: false };
  const { uri, dbName } = location;
  return { connection: await mongoose.createConnection(uri, { dbName }).asPromise(), owned: true };
}
