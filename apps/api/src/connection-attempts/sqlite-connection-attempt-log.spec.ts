import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { startRacer } from '@ledger/testing/racer-process';
import { connectionAttemptLogContract } from './connection-attempt-log.contract';
import { SqliteConnectionAttemptLog } from './sqlite-connection-attempt-log';

const HOUR = 3_600_000;

function countRows(file: string, where = '1 = 1', ...params: string[]): number {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(`SELECT COUNT(*) FROM connection_attempts WHERE ${where}`)
      .pluck()
      .get(...params) as number;
  } finally {
    db.close();
  }
}

connectionAttemptLogContract('SqliteConnectionAttemptLog (file on disk)', async () => {
  const dir = makeTempDir('ledger-attempts-');
  const file = join(dir.path, 'nested', 'connection-attempts.sqlite');
  const logs = [SqliteConnectionAttemptLog.open({ sqlitePath: file })];
  return {
    log: logs[0],
    openAnother: async () => {
      const another = SqliteConnectionAttemptLog.open({ sqlitePath: file });
      logs.push(another);
      return another;
    },
    storedAttempts: async ({ userId, workspaceId }) =>
      countRows(file, 'user_id = ? AND workspace_id = ?', userId, workspaceId),
    close: async () => {
      for (const log of logs) log.close();
      dir.remove();
    },
  };
});

type Racer = ReturnType<typeof startAttemptRacer>;

/** Runs fixtures/attempt-racer.ts in its own OS process against the same file. */
function startAttemptRacer(file: string, goFile: string, attempts: number, nowMs: number) {
  return startRacer<{ allowed: number; refused: number }>(
    join(__dirname, 'fixtures', 'attempt-racer.ts'),
    [file, goFile, String(attempts), String(nowMs)],
  );
}

describe('SqliteConnectionAttemptLog across OS processes', () => {
  it('allows exactly 10 of 30 attempts raced by two processes on one file', async () => {
    const dir = makeTempDir('ledger-attempts-');
    const file = join(dir.path, 'connection-attempts.sqlite');
    const goFile = join(dir.path, 'go');
    const racers: Racer[] = [];
    try {
      // Create the schema first, so the racers only race on attempts.
      SqliteConnectionAttemptLog.open({ sqlitePath: file }).close();
      const nowMs = Date.parse('2030-01-01T09:00:00Z');
      racers.push(
        startAttemptRacer(file, goFile, 15, nowMs),
        startAttemptRacer(file, goFile, 15, nowMs),
      );
      await Promise.all(racers.map((r) => r.ready));
      writeFileSync(goFile, 'go');
      const results = await Promise.all(racers.map((r) => r.done));
      expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(10);
      expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(20);
      expect(countRows(file)).toBe(10);
    } finally {
      for (const r of racers) if (r.child.exitCode === null) r.child.kill();
      dir.remove();
    }
  }, 60_000);
});

describe('SqliteConnectionAttemptLog on disk', () => {
  it('keeps attempts across reopening the file in DATA_DIR', async () => {
    const dir = makeTempDir('ledger-attempts-');
    try {
      const now = new Date('2030-01-01T09:00:00Z');
      const key = { userId: 'u', workspaceId: 'w' };
      const first = SqliteConnectionAttemptLog.inDataDir(dir.path);
      await first.recordIfAllowed(key, now, 2, HOUR);
      await first.recordIfAllowed(key, now, 2, HOUR);
      first.close();
      const second = SqliteConnectionAttemptLog.inDataDir(dir.path);
      expect(await second.recordIfAllowed(key, now, 2, HOUR)).toEqual({
        allowed: false,
        retryAfterMs: HOUR,
      });
      second.close();
      expect(countRows(join(dir.path, 'connection-attempts.sqlite'))).toBe(2);
    } finally {
      dir.remove();
    }
  });

  it("prunes everyone's attempts that left the window, not only the caller's", async () => {
    const dir = makeTempDir('ledger-attempts-');
    try {
      const now = new Date('2030-01-01T09:00:00Z');
      const log = SqliteConnectionAttemptLog.inDataDir(dir.path);
      for (let i = 0; i < 5; i += 1) {
        await log.recordIfAllowed({ userId: `idle-${i}`, workspaceId: 'w' }, now, 10, HOUR);
      }
      const later = new Date(now.getTime() + HOUR);
      await log.recordIfAllowed({ userId: 'active', workspaceId: 'w' }, later, 10, HOUR);
      log.close();
      expect(countRows(join(dir.path, 'connection-attempts.sqlite'))).toBe(1);
    } finally {
      dir.remove();
    }
  });
});
