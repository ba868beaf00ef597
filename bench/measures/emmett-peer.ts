import { join } from 'node:path';
import {
  appendToStream,
  createEventStoreSchema,
  getSQLiteEventStore,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import { msSince, perSecond } from '../support/stats';
import type { Append } from './raw-ceiling';

type EmmettEvent = {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

const toEmmett = (append: Append): EmmettEvent[] =>
  append.events.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata } }));

/**
 * The peer: @event-driven-io/emmett-sqlite appending the same events to the same streams with
 * an expected stream version, on the same durability (WAL, synchronous=FULL) and the same
 * grouping (`groupSize` appends in one transaction, through its connection's nested
 * transactions). Its driver (node-sqlite3) is asynchronous; appends in one transaction go one
 * after another, as its connection requires.
 */
export async function measureEmmettGrouped(dir: string, appends: Append[], groupSize: number) {
  const connection = sqliteConnection({ fileName: join(dir, 'emmett-grouped.db') });
  await connection.command('PRAGMA synchronous = FULL');
  await createEventStoreSchema(connection);
  const versions = new Map<string, bigint>();
  const size = Math.max(1, Math.round(groupSize));
  const started = process.hrtime.bigint();
  for (let i = 0; i < appends.length; i += size) {
    const group = appends.slice(i, i + size);
    await connection.withTransaction(async () => {
      for (const append of group) {
        const expected = versions.get(append.streamId) ?? 0n;
        const result = await appendToStream(
          connection,
          append.streamId,
          'workspace',
          toEmmett(append),
          { expectedStreamVersion: expected },
        );
        if (!result.success) throw new Error(`emmett refused an append to ${append.streamId}`);
        versions.set(append.streamId, expected + BigInt(append.events.length));
      }
    });
  }
  const ms = msSince(started);
  connection.close();
  return { commandsPerSecond: perSecond(appends.length, ms) };
}

/**
 * The peer as its documentation shows it: `getSQLiteEventStore(...).appendToStream` per
 * command, one transaction each (it has no group commit), one command at a time (its store
 * object shares one connection between calls and closes it after each).
 */
export async function measureEmmettPerCommand(dir: string, appends: Append[]) {
  const store = getSQLiteEventStore({ fileName: join(dir, 'emmett-per-command.db') });
  const versions = new Map<string, bigint>();
  let busyRetries = 0;
  const started = process.hrtime.bigint();
  for (const append of appends) {
    const expected = versions.get(append.streamId) ?? 0n;
    for (let attempt = 1; ; attempt++) {
      try {
        await store.appendToStream(append.streamId, toEmmett(append), {
          expectedStreamVersion: expected,
        });
        break;
      } catch (error) {
        // It now and then fails a commit with SQLITE_BUSY ("SQL statements in progress") and
        // rolls back; sent again, as a caller would.
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 5) throw error;
        busyRetries += 1;
      }
    }
    versions.set(append.streamId, expected + BigInt(append.events.length));
  }
  const ms = msSince(started);
  return { commandsPerSecond: perSecond(appends.length, ms), busyRetries };
}
