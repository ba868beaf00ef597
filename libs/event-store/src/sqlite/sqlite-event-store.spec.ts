import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { anEvent, collect, events, uniqueStream, waitFor } from '../contract/contract-helpers';
import {
  EventStoreUnavailableError,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { SQL } from './schema';
import { SqliteEventStore } from './sqlite-event-store';

describeEventStoreContract('SqliteEventStore', async () => {
  const dir = makeTempDir('event-store-contract-');
  const store = new SqliteEventStore({ path: join(dir.path, 'events.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});

/** Runs fixtures/append-worker.ts in its own OS process against the same file. */
function startWorker(path: string, stream: string, count: number, burst: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, 'fixtures', 'append-worker.ts'),
    ].concat([path, stream, String(count), String(burst)]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const acked: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('acked ')) acked.push(line.slice(6));
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, acked, exited, stderr: () => stderr };
}

describe('SqliteEventStore', () => {
  let dir: { path: string; remove(): void };
  let path: string;
  const opened: SqliteEventStore[] = [];

  function open(options: { pollIntervalMs?: number } = {}): SqliteEventStore {
    const store = new SqliteEventStore({ path, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    dir = makeTempDir('event-store-sqlite-');
    path = join(dir.path, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    dir.remove();
  });

  it('runs in WAL mode with synchronous=FULL and a busy timeout', () => {
    expect(open().pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5000 });
  });

  it('reads one stream through an index, not a scan of every event', () => {
    open();
    const db = new Database(path, { readonly: true });
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${SQL.readStream}`).all('s', 0, 10) as {
      detail: string;
    }[];
    db.close();
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX/);
  });

  describe('group commit', () => {
    it('writes the appends of one event-loop turn in a single transaction', async () => {
      const store = open();
      const before = store.batchCount;

      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.append(`gc-${i}`, [anEvent()], 'no_stream')),
      );

      expect(store.batchCount - before).toBe(1);
      expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
      expect(new Set(results.map((r) => r.position)).size).toBe(200);
      expect(await store.readAll({ maxCount: 1000 })).toHaveLength(200);
    });

    it('settles each append of a batch on its own, in arrival order', async () => {
      const store = open();
      const stream = uniqueStream('batch');
      const other = uniqueStream('neighbour');
      const before = store.batchCount;

      const outcomes = await Promise.allSettled([
        store.append(stream, [anEvent()], 'no_stream'),
        store.append(stream, [anEvent()], 'no_stream'), // sees the first: conflict
        store.append(stream, [anEvent()], 0), // sees the first: succeeds
        store.append(other, [anEvent()], 'no_stream'),
        store.append(other, [anEvent('Bad', { n: BigInt(1) })], 'any'), // not JSON
      ]);

      expect(store.batchCount - before).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      const conflict = (outcomes[1] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict.actual).toBe(0);
      expect((await collect(store.readStream(stream))).map((e) => e.revision)).toEqual([0, 1]);
      expect(await collect(store.readStream(other))).toHaveLength(1);
    });

    it('undoes a failing append entirely without touching its neighbours', async () => {
      const store = open();
      // Make the database itself refuse one event type, mid-append.
      const admin = new Database(path);
      admin.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON events WHEN NEW.type = 'Poison'
                  BEGIN SELECT RAISE(ABORT, 'poison refused'); END`);
      admin.close();
      const stream = uniqueStream('partial');
      const neighbour = uniqueStream('fine');

      const outcomes = await Promise.allSettled([
        store.append(stream, [anEvent('Fine'), anEvent('Poison')], 'no_stream'),
        store.append(neighbour, [anEvent('Fine')], 'no_stream'),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(await collect(store.readStream(stream))).toEqual([]);
      expect(await collect(store.readStream(neighbour))).toHaveLength(1);
    });
  });

  it('keeps every acknowledged append across close and reopen', async () => {
    const store = open();
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append(`d-${i}`, events(2), 'no_stream')),
    );
    // Queued in this turn, not yet written: close() must flush it.
    const queued = store.append('d-late', events(1), 'no_stream');
    await store.close();
    await expect(queued).resolves.toEqual({ nextExpectedRevision: 0, position: '101' });

    const reopened = open();
    const all = await reopened.readAll({ maxCount: 1000 });
    expect(all).toHaveLength(101);
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => String(i + 1)));
    expect(appended.map((r) => r.position)).toEqual(
      all.filter((e) => e.streamId !== 'd-late' && e.revision === 1).map((e) => e.position),
    );
  });

  it('loses no acknowledged append when the writing process is killed', async () => {
    const worker = startWorker(path, 'crash', 100_000, 20);
    await waitFor('acknowledged appends', () => worker.acked.length >= 100, 20_000);
    worker.child.kill('SIGKILL');
    await worker.exited;

    const stored = new Set((await collect(open().readStream('crash'))).map((e) => e.id));
    expect(worker.acked.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('rejects appends after close and refuses malformed positions', async () => {
    const store = open();
    await expect(store.readAll({ after: 'abc', maxCount: 1 })).rejects.toThrow(TypeError);
    await store.close();
    await expect(store.append('x', [anEvent()], 'any')).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });

  describe('two stores on one file (two processes)', () => {
    it('linearise their appends and see each other’s revisions', async () => {
      const a = open();
      const b = open();
      const stream = uniqueStream('shared');

      await a.append(stream, events(1), 'no_stream');
      await b.append(stream, events(1), 0);
      const stale = a.append(stream, events(1), 0);

      await expect(stale).rejects.toMatchObject({ actual: 1 });
      expect((await collect(a.readStream(stream))).map((e) => e.revision)).toEqual([0, 1]);
    });

    it('delivers the other store’s appends to a live subscriber', async () => {
      const writer = open();
      const reader = open();
      const seen: RecordedEvent[] = [];
      const subscription = reader.subscribeToAll({}, async (e) => void seen.push(e));
      try {
        await writer.append('from-writer', events(3), 'no_stream');
        await waitFor('events appended by the other store', () => seen.length === 3);
      } finally {
        await subscription.stop();
      }
      expect(seen.map((e) => e.streamId)).toEqual(['from-writer', 'from-writer', 'from-writer']);
    });

    it('interoperates with a real second process appending to the same stream', async () => {
      const store = open();
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({}, async (e) => void seen.push(e));
      const worker = startWorker(path, 'shared', 300, 10);
      let ours = 0;
      try {
        // Keep appending while the other process does, so the two really contend for the lock.
        await waitFor(
          'the other process to start appending',
          () => worker.acked.length > 0,
          20_000,
        );
        let exited = false;
        void worker.exited.then(() => (exited = true));
        while (!exited || ours < 100) {
          await Promise.all(
            Array.from({ length: 10 }, () => store.append('shared', [anEvent()], 'any')),
          );
          ours += 10;
        }
        expect(await worker.exited).toBe(0);
        expect(worker.stderr()).toBe('');
        await waitFor('every event in the live feed', () => seen.length === ours + 300, 10_000);
      } finally {
        await subscription.stop();
      }

      const history = await collect(store.readStream('shared'));
      expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));
      expect(history.filter((e) => e.type === 'WorkerAppended')).toHaveLength(300);
      expect(seen.map((e) => e.id)).toEqual(history.map((e) => e.id));
    });
  });
});
