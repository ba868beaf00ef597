import type {
  AttemptDecision,
  ConnectionAttemptKey,
  ConnectionAttemptLog,
} from './connection-attempt-log.port';

export interface OpenedAttemptLog {
  log: ConnectionAttemptLog;
  /** A second instance on the same database, as another API process would open it. */
  openAnother(): Promise<ConnectionAttemptLog>;
  /** How many attempts of the key the store still holds (to see pruning). */
  storedAttempts(key: ConnectionAttemptKey): Promise<number>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The behaviour every ConnectionAttemptLog adapter must have; each adapter's spec runs it
 * against a real store (a SQLite file on disk, MongoDB over the wire). Time is passed in, so
 * the window slides by moving `now`, never by sleeping.
 */
export function connectionAttemptLogContract(name: string, open: () => Promise<OpenedAttemptLog>) {
  describe(`${name} (ConnectionAttemptLog contract)`, () => {
    let opened: OpenedAttemptLog;
    let log: ConnectionAttemptLog;
    let n = 0;
    const T0 = new Date('2030-01-01T09:00:00Z');
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const key = (): ConnectionAttemptKey => {
      n += 1;
      const suffix = Math.random().toString(36).slice(2);
      return { userId: `user-${n}-${suffix}`, workspaceId: `ws-${n}-${suffix}` };
    };
    const record = (k: ConnectionAttemptKey, now: Date, limit = 10, l = log) =>
      l.recordIfAllowed(k, now, limit, HOUR);
    /** `count` attempts, one minute apart from `start` (ms after T0). */
    async function fill(k: ConnectionAttemptKey, count: number, start = 0, limit = 10) {
      const decisions: AttemptDecision[] = [];
      for (let i = 0; i < count; i += 1)
        decisions.push(await record(k, at(start + i * MINUTE), limit));
      return decisions;
    }

    beforeAll(async () => {
      opened = await open();
      log = opened.log;
    });
    afterAll(() => opened?.close());

    it('allows 10 attempts in an hour, counting down what remains, and refuses the 11th', async () => {
      const k = key();
      const decisions = await fill(k, 10);
      expect(decisions).toEqual(
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((remaining) => ({ allowed: true, remaining })),
      );
      // 11th at T0+20m: the oldest (T0) leaves the window at T0+60m, 40 minutes later.
      expect(await record(k, at(20 * MINUTE))).toEqual({
        allowed: false,
        retryAfterMs: 40 * MINUTE,
      });
    });

    it('slides: attempts leave the window one by one, each freeing one slot', async () => {
      const k = key();
      await fill(k, 10); // T0, T0+1m, ..., T0+9m
      expect(await record(k, at(HOUR - 1))).toEqual({ allowed: false, retryAfterMs: 1 });
      // T0 left: one slot, then full again until T0+1m leaves.
      expect(await record(k, at(HOUR))).toEqual({ allowed: true, remaining: 0 });
      expect(await record(k, at(HOUR + 1))).toEqual({
        allowed: false,
        retryAfterMs: MINUTE - 1,
      });
      expect(await record(k, at(HOUR + MINUTE))).toEqual({ allowed: true, remaining: 0 });
      // Jump past T0+9m + 1h: T0+2m..T0+9m left (8 slots), T0+60m and T0+61m remain.
      expect(await record(k, at(HOUR + 9 * MINUTE))).toEqual({ allowed: true, remaining: 7 });
      // Two hours later everything left: a full allowance again.
      expect(await record(k, at(4 * HOUR))).toEqual({ allowed: true, remaining: 9 });
    });

    it('does not count refused attempts: hammering while refused does not move the window', async () => {
      const k = key();
      await fill(k, 10);
      for (let i = 0; i < 20; i += 1) {
        expect(await record(k, at(30 * MINUTE + i * 1000))).toMatchObject({ allowed: false });
      }
      expect(await record(k, at(HOUR))).toEqual({ allowed: true, remaining: 0 });
    });

    it('counts per user and per workspace', async () => {
      const k = key();
      await fill(k, 10);
      expect(await record(k, at(10 * MINUTE))).toMatchObject({ allowed: false });
      // Another user in the same workspace, and the same user in another workspace: untouched.
      expect(await record({ ...k, userId: `${k.userId}-other` }, at(10 * MINUTE))).toEqual({
        allowed: true,
        remaining: 9,
      });
      expect(
        await record({ ...k, workspaceId: `${k.workspaceId}-other` }, at(10 * MINUTE)),
      ).toEqual({ allowed: true, remaining: 9 });
      // Ids that would collide if naively concatenated stay apart.
      const a = { userId: 'a:b', workspaceId: `c-${k.workspaceId}` };
      const b = { userId: 'a', workspaceId: `b:c-${k.workspaceId}` };
      expect(await record(a, T0, 1)).toEqual({ allowed: true, remaining: 0 });
      expect(await record(b, T0, 1)).toEqual({ allowed: true, remaining: 0 });
    });

    it('honours the limit it is given (1 per hour, and a limit lowered under the count)', async () => {
      const k = key();
      expect(await record(k, T0, 1)).toEqual({ allowed: true, remaining: 0 });
      expect(await record(k, at(MINUTE), 1)).toEqual({ allowed: false, retryAfterMs: 59 * MINUTE });
      const j = key();
      await fill(j, 5); // T0..T0+4m at limit 10
      // Lowered to 3: three must leave (T0, T0+1m, T0+2m) before one more fits.
      expect(await record(j, at(10 * MINUTE), 3)).toEqual({
        allowed: false,
        retryAfterMs: HOUR + 2 * MINUTE - 10 * MINUTE,
      });
    });

    it('refuses a nonsensical limit or window', async () => {
      await expect(record(key(), T0, 0)).rejects.toThrow(RangeError);
      await expect(record(key(), T0, 1.5)).rejects.toThrow(RangeError);
      await expect(log.recordIfAllowed(key(), T0, 10, 0)).rejects.toThrow(RangeError);
    });

    it('prunes attempts that left the window', async () => {
      const k = key();
      await fill(k, 3);
      expect(await opened.storedAttempts(k)).toBe(3);
      expect(await record(k, at(HOUR + MINUTE))).toEqual({ allowed: true, remaining: 8 });
      expect(await opened.storedAttempts(k)).toBe(2); // T0+2m and the new one
      expect(await record(k, at(3 * HOUR))).toEqual({ allowed: true, remaining: 9 });
      expect(await opened.storedAttempts(k)).toBe(1);
    });

    it('allows exactly 10 of 30 concurrent attempts made through two instances (two processes)', async () => {
      const other = await opened.openAnother();
      const k = key();
      const decisions = await Promise.all(
        Array.from({ length: 30 }, (_, i) => record(k, at(i), 10, i % 2 === 0 ? log : other)),
      );
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).toHaveLength(10);
      // Each slot handed out once: remaining 9, 8, ..., 0 exactly once each.
      expect(allowed.map((d) => (d.allowed ? d.remaining : -1)).sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
      expect(decisions.filter((d) => !d.allowed)).toHaveLength(20);
      expect(await opened.storedAttempts(k)).toBe(10);
      // Both instances see the same full window.
      expect(await record(k, at(MINUTE), 10, other)).toMatchObject({ allowed: false });
      expect(await record(k, at(MINUTE), 10, log)).toMatchObject({ allowed: false });
    });

    it('never lets two racers at limit - 1 both in, over many rounds', async () => {
      const other = await opened.openAnother();
      const keys = Array.from({ length: 10 }, key);
      for (const k of keys) await fill(k, 9);
      const races = await Promise.all(
        keys.map((k) =>
          Promise.all([record(k, at(10 * MINUTE), 10, log), record(k, at(10 * MINUTE), 10, other)]),
        ),
      );
      for (const pair of races) {
        expect(pair.filter((d) => d.allowed)).toHaveLength(1);
        expect(pair.find((d) => !d.allowed)).toEqual({ allowed: false, retryAfterMs: 50 * MINUTE });
      }
    });
  });
}
