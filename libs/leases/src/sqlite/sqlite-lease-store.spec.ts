import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { startRacer } from '@ledger/testing/racer-process';
import { leaseStoreContract } from '../contract/lease-store.contract';
import { openLeaseStore } from '../open-lease-store';
import { SqliteLeaseStore } from './sqlite-lease-store';

leaseStoreContract('SqliteLeaseStore (file on disk)', async () => {
  const dir = makeTempDir('ledger-leases-');
  const file = join(dir.path, 'nested', 'leases.sqlite');
  const stores = [SqliteLeaseStore.open({ sqlitePath: file })];
  return {
    store: stores[0],
    openAnother: async () => {
      const another = SqliteLeaseStore.open({ sqlitePath: file });
      stores.push(another);
      return another;
    },
    close: async () => {
      for (const store of stores) store.close();
      dir.remove();
    },
  };
});

interface RaceResult {
  /** Tokens won, per name. */
  won: Record<string, number[]>;
  startedAt: number;
  endedAt: number;
}

type Racer = ReturnType<typeof startLeaseRacer>;

/** Runs fixtures/lease-racer.ts in its own OS process against the same file. */
function startLeaseRacer(
  file: string,
  goFile: string,
  names: string[],
  attempts: number,
  nowMs: number,
) {
  return startRacer<RaceResult>(join(__dirname, '..', 'fixtures', 'lease-racer.ts'), [
    file,
    goFile,
    names.join(','),
    String(attempts),
    String(nowMs),
  ]);
}

describe('SqliteLeaseStore across OS processes', () => {
  it('lets exactly one holder of 20, raced by two processes, take each lease', async () => {
    const dir = makeTempDir('ledger-leases-');
    const file = join(dir.path, 'leases.sqlite');
    const goFile = join(dir.path, 'go');
    const racers: Racer[] = [];
    try {
      const T0 = Date.parse('2030-01-01T09:00:00Z');
      // Schema first; one name never leased, one whose lease expired (the race is a takeover).
      const setup = SqliteLeaseStore.open({ sqlitePath: file });
      await setup.acquire('job:token-refresh', 'dead-worker', 1_000, new Date(T0 - 10_000));
      setup.close();
      // Many per-connection names too, so the two processes' transactions interleave often.
      const connections = Array.from({ length: 300 }, (_, i) => `refresh:conn-${i}`);
      const names = ['projection:connections', 'job:token-refresh', ...connections];
      racers.push(
        startLeaseRacer(file, goFile, names, 10, T0),
        startLeaseRacer(file, goFile, names, 10, T0),
      );
      // Together, as close as two processes get: both wait on the go file.
      await Promise.all(racers.map((r) => r.ready));
      writeFileSync(goFile, 'go');
      const [first, second] = await Promise.all(racers.map((r) => r.done));
      const tokens = (name: string) => [...first.won[name], ...second.won[name]];
      expect(tokens('projection:connections')).toEqual([1]);
      expect(tokens('job:token-refresh')).toEqual([2]);
      for (const name of connections) expect(tokens(name)).toEqual([1]);
      // They really raced: each was still acquiring when the other started.
      expect(first.startedAt).toBeLessThan(second.endedAt);
      expect(second.startedAt).toBeLessThan(first.endedAt);
      // The file agrees: one row per name, held by one of the racers.
      const db = new Database(file, { readonly: true });
      try {
        const rows = db
          .prepare<[], { name: string; holder: string; token: number }>(
            'SELECT name, holder, token FROM leases',
          )
          .all();
        expect(rows).toHaveLength(names.length);
        const job = rows.find((row) => row.name === 'job:token-refresh');
        expect(job).toEqual({
          name: 'job:token-refresh',
          holder: expect.stringMatching(/^pid-/),
          token: 2,
        });
      } finally {
        db.close();
      }
    } finally {
      for (const r of racers) if (r.child.exitCode === null) r.child.kill();
      dir.remove();
    }
  }, 60_000);
});

describe('SqliteLeaseStore on disk', () => {
  it('keeps leases and tokens across reopening DATA_DIR/leases.sqlite', async () => {
    const dir = makeTempDir('ledger-leases-');
    try {
      const now = new Date('2030-01-01T09:00:00Z');
      const first = SqliteLeaseStore.inDataDir(dir.path);
      const lease = (await first.acquire('job:health-check', 'w', 60_000, now))!;
      first.close();
      expect(existsSync(join(dir.path, 'leases.sqlite'))).toBe(true);
      const second = SqliteLeaseStore.inDataDir(dir.path);
      expect(await second.acquire('job:health-check', 'x', 60_000, now)).toBeNull();
      await second.release(lease);
      second.close();
      const { store, close } = await openLeaseStore({ dataDir: dir.path });
      expect((await store.acquire('job:health-check', 'x', 60_000, now))?.token).toBe(2);
      await close();
    } finally {
      dir.remove();
    }
  });

  it('keeps its file in WAL mode, so other processes read while one writes', () => {
    const dir = makeTempDir('ledger-leases-');
    try {
      const store = SqliteLeaseStore.inDataDir(dir.path);
      store.close();
      const db = new Database(join(dir.path, 'leases.sqlite'));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      dir.remove();
    }
  });
});
