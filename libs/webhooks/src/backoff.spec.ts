import { DEFAULT_RETRY_SCHEDULE_MS, retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('follows the schedule (10 s, 30 s, 2 min, 10 min, 1 h, ...) with ±20 % jitter', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS.slice(0, 5)).toEqual([
      10_000, 30_000, 120_000, 600_000, 3_600_000,
    ]);
    expect(retryDelayMs(1, { random: () => 0.5 })).toBe(10_000);
    expect(retryDelayMs(1, { random: () => 0 })).toBe(8_000);
    expect(retryDelayMs(1, { random: () => 0.999999 })).toBe(12_000);
    expect(retryDelayMs(5, { random: () => 0.5 })).toBe(3_600_000);
    // Past the end: the last entry.
    expect(retryDelayMs(50, { random: () => 0.5 })).toBe(24 * 3_600_000);
  });

  it('grows from one attempt to the next whatever the jitter', () => {
    for (let n = 1; n < DEFAULT_RETRY_SCHEDULE_MS.length; n += 1) {
      const longest = retryDelayMs(n, { random: () => 0.999999 });
      const shortestNext = retryDelayMs(n + 1, { random: () => 0 });
      expect(shortestNext).toBeGreaterThan(longest);
    }
  });

  it('refuses a nonsensical attempt or schedule', () => {
    expect(() => retryDelayMs(0)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5)).toThrow(RangeError);
    expect(() => retryDelayMs(1, { schedule: [] })).toThrow(RangeError);
  });
});
