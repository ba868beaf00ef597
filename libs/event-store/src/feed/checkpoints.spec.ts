import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mongoose, { type Connection } from 'mongoose';
import { openDurableSqlite } from '@ledger/stores';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { startRacer } from '@ledger/testing/racer-process';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { MongoCheckpoints } from './mongo-checkpoints';
import { comparePositions } from './positions';
import { SqliteCheckpoints } from './sqlite-checkpoints';

/** The never-backwards checkpoint as a caller sees it, whichever backend keeps it. */
interface Checkpoints {
  get(name: string): Promise<string | null>;
  advance(name: string, position: string): Promise<void>;
  drop(name: string): Promise<void>;
}

interface Backend {
  checkpoints: Checkpoints;
  /** The same checkpoints through another connection (another process's view). */
  another(): Promise<Checkpoints>;
  /** Writes a checkpoint the way the stores did before this helper (one row, overwritten). */
  writeAsBefore(name: string, position: string): Promise<void>;
  close(): Promise<void>;
}

const TABLE = 'checkpoints';

function onSqlite(db: Database.Database): Checkpoints {
  const checkpoints = new SqliteCheckpoints(db, TABLE);
  return {
    get: async (name) => checkpoints.get(name),
    advance: async (name, position) => checkpoints.advance(name, position),
    drop: async (name) => checkpoints.drop(name),
  };
}

async function sqliteBackend(): Promise<Backend> {
  const dir = makeTempDir('ledger-checkpoints-');
  const file = join(dir.path, 'store.sqlite');
  const handles = [openDurableSqlite(file)];
  return {
    checkpoints: onSqlite(handles[0]),
    another: async () => {
      handles.push(openDurableSqlite(file));
      return onSqlite(handles[handles.length - 1]);
    },
    writeAsBefore: async (name, position) => {
      handles[0]
        .prepare(
          `INSERT INTO ${TABLE} (projection, position) VALUES (?, ?)
           ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
        )
        .run(name, position);
    },
    close: async () => {
      for (const db of handles) db.close();
      dir.remove();
    },
  };
}

async function ferretdbBackend(): Promise<Backend> {
  const dbName = uniqueDatabaseName('feed_checkpoints');
  const connections: Connection[] = [];
  const open = async () => {
    const connection = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
    connections.push(connection);
    return MongoCheckpoints.open(connection, TABLE);
  };
  return {
    checkpoints: await open(),
    another: open,
    writeAsBefore: async (name, position) => {
      await connections[0]
        .collection<{ _id: string; position: string }>(TABLE)
        .replaceOne({ _id: name }, { position }, { upsert: true });
    },
    close: async () => {
      await connections[0].dropDatabase();
      for (const connection of connections) await connection.close();
    },
  };
}

/** Reads that never go down, by the feed's order. */
function expectNeverBackwards(reads: (string | null)[]): void {
  const seen = reads.filter((read): read is string => read !== null);
  const backwards = seen.filter((read, i) => i > 0 && comparePositions(read, seen[i - 1]) < 0);
  expect(backwards).toEqual([]);
}

describe.each([
  ['SQLite file on disk', sqliteBackend],
  ['FerretDB over the wire', ferretdbBackend],
] as const)('a feed checkpoint in %s', (_label, openBackend) => {
  let backend: Backend;
  let checkpoints: Checkpoints;

  beforeEach(async () => {
    backend = await openBackend();
    checkpoints = backend.checkpoints;
  });
  afterEach(() => backend.close());

  it('is null until advanced, then follows each later position', async () => {
    expect(await checkpoints.get('audit')).toBeNull();
    await checkpoints.advance('audit', '9');
    expect(await checkpoints.get('audit')).toBe('9');
    await checkpoints.advance('audit', '10');
    expect(await checkpoints.get('audit')).toBe('10');
    await checkpoints.advance('audit', '10');
    expect(await checkpoints.get('audit')).toBe('10');
  });

  it('never moves back when an older position is written, by this or another connection', async () => {
    await checkpoints.advance('audit', '120');
    await checkpoints.advance('audit', '99');
    const slowOldProcess = await backend.another();
    await slowOldProcess.advance('audit', '7');
    expect(await checkpoints.get('audit')).toBe('120');
    expect(await slowOldProcess.get('audit')).toBe('120');
  });

  it('orders EventStoreDB positions by commit then prepare, as numbers', async () => {
    await checkpoints.advance('webhooks', '9/9');
    await checkpoints.advance('webhooks', '10/2');
    await checkpoints.advance('webhooks', '9/12');
    await checkpoints.advance('webhooks', '10/1');
    expect(await checkpoints.get('webhooks')).toBe('10/2');
  });

  it('keeps names apart, and drop forgets one name only', async () => {
    await checkpoints.advance('audit', '5');
    await checkpoints.advance('due-posts', '8');
    await checkpoints.drop('audit');
    expect(await checkpoints.get('audit')).toBeNull();
    expect(await checkpoints.get('due-posts')).toBe('8');
    // After a drop (a rebuild) it starts again from the beginning.
    await checkpoints.advance('audit', '1');
    expect(await checkpoints.get('audit')).toBe('1');
  });

  it('reads a checkpoint written before, and moves on from it only forwards', async () => {
    await backend.writeAsBefore('connections', '40');
    expect(await checkpoints.get('connections')).toBe('40');
    await checkpoints.advance('connections', '30');
    expect(await checkpoints.get('connections')).toBe('40');
    await checkpoints.advance('connections', '41');
    expect(await checkpoints.get('connections')).toBe('41');
    await checkpoints.drop('connections');
    expect(await checkpoints.get('connections')).toBeNull();
  });

  it('ends at the highest position when two writers race, and no read ever goes back', async () => {
    const other = await backend.another();
    const count = 40;
    // Interleaved: one writer has the even positions, the other the odd ones.
    const evens = Array.from({ length: count }, (_, i) => String(2 * i + 2));
    const odds = Array.from({ length: count }, (_, i) => String(2 * i + 1));
    const reads: (string | null)[] = [];
    let racing = true;
    const reader = (async () => {
      while (racing) reads.push(await checkpoints.get('race'));
    })();
    const write = async (target: Checkpoints, positions: string[]) => {
      for (const position of positions) await target.advance('race', position);
    };
    await Promise.all([write(checkpoints, evens), write(other, odds)]);
    racing = false;
    await reader;
    expect(await checkpoints.get('race')).toBe(String(2 * count));
    expect(await other.get('race')).toBe(String(2 * count));
    expect(reads.length).toBeGreaterThan(1);
    expectNeverBackwards(reads);
  });
});

describe('a SQLite feed checkpoint raced by two OS processes', () => {
  it('ends at the highest position, and a reader never sees it go back', async () => {
    const dir = makeTempDir('ledger-checkpoints-');
    const file = join(dir.path, 'store.sqlite');
    const goFile = join(dir.path, 'go');
    const db = openDurableSqlite(file);
    const checkpoints = new SqliteCheckpoints(db, TABLE);
    const count = 1500;
    const positions = (first: number) =>
      Array.from({ length: count }, (_, i) => String(first + 2 * i)).join(',');
    const script = join(__dirname, 'fixtures', 'checkpoint-writer.ts');
    const racers = [
      startRacer<{ startedAt: number; endedAt: number }>(script, [
        file,
        goFile,
        'race',
        positions(2),
      ]),
      startRacer<{ startedAt: number; endedAt: number }>(script, [
        file,
        goFile,
        'race',
        positions(1),
      ]),
    ];
    try {
      await Promise.all(racers.map((racer) => racer.ready));
      writeFileSync(goFile, 'go');
      const reads: (string | null)[] = [];
      let racing = true;
      const finished = Promise.all(racers.map((racer) => racer.done)).finally(() => {
        racing = false;
      });
      while (racing) {
        reads.push(checkpoints.get('race'));
        await new Promise((next) => setImmediate(next));
      }
      const [first, second] = await finished;
      // They really raced: each was still writing when the other started.
      expect(first.startedAt).toBeLessThan(second.endedAt);
      expect(second.startedAt).toBeLessThan(first.endedAt);
      expect(checkpoints.get('race')).toBe(String(2 * count));
      expectNeverBackwards(reads);
    } finally {
      for (const racer of racers) if (racer.child.exitCode === null) racer.child.kill();
      db.close();
      dir.remove();
    }
  }, 60_000);
});
