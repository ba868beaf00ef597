const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The wait after failed attempt n (index n - 1): roughly exponential, then flat at a day.
 * With the default 10 attempts a delivery is retried for about two days.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  10 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

export const DEFAULT_MAX_ATTEMPTS = 10;

/** ±20 %: spreads retries of many deliveries that failed together, and keeps waits growing. */
export const DEFAULT_JITTER = 0.2;

/**
 * How long to wait after failed attempt `failedAttempt` (1-based) before the next: the
 * schedule's entry (the last one past its end) times a random factor in [1 - jitter, 1 + jitter).
 */
export function retryDelayMs(
  failedAttempt: number,
  options: { schedule?: readonly number[]; jitter?: number; random?: () => number } = {},
): number {
  const schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  const jitter = options.jitter ?? DEFAULT_JITTER;
  const random = options.random ?? Math.random;
  if (schedule.length === 0) throw new RangeError('retry schedule is empty');
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`failedAttempt must be a positive integer, got ${failedAttempt}`);
  }
  const base = schedule[Math.min(failedAttempt, schedule.length) - 1];
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}
