/**
 * The connection-attempt limiter's storage port (ARCHITECTURE.md, "Behaviour" → Rate limit):
 * a sliding-window log of the connection attempts each user made in each workspace, shared by
 * every API process ("Scaling out").
 */

/** Attempts are counted per user AND per workspace. */
export interface ConnectionAttemptKey {
  userId: string;
  workspaceId: string;
}

export type AttemptDecision =
  /** The attempt was recorded; `remaining` more fit in the window now. */
  | { allowed: true; remaining: number }
  /** Nothing was recorded; a slot frees in `retryAfterMs` (> 0). */
  | { allowed: false; retryAfterMs: number };

export interface ConnectionAttemptLog {
  /**
   * Atomically (across processes sharing the store): counts the key's attempts in the window
   * `(now - windowMs, now]`, and records one at `now` only when fewer than `limit` are there.
   * Two racing callers at `limit - 1` never both get `allowed`. A refusal records nothing, so
   * retrying while refused does not push the window out. When refused, `retryAfterMs` is when
   * the oldest attempt in the window leaves it (with more than `limit` attempts, e.g. after the
   * limit was lowered, when enough have left for one more). Attempts that left the window are
   * pruned. Every caller of one log must use the same `windowMs`.
   */
  recordIfAllowed(
    key: ConnectionAttemptKey,
    now: Date,
    limit: number,
    windowMs: number,
  ): Promise<AttemptDecision>;
}

/** Nest injection token for the ConnectionAttemptLog adapter. */
export const CONNECTION_ATTEMPT_LOG = Symbol('ConnectionAttemptLog');

/** Shared by the adapters so both refuse nonsense the same way. */
export function assertLimitAndWindow(limit: number, windowMs: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  }
}

/**
 * The decision for attempts already in the window (times in ms, ascending): how many remain
 * after recording one more, or how long until enough of them leave for one more to fit.
 */
export function decide(
  inWindowAscending: readonly number[],
  nowMs: number,
  limit: number,
  windowMs: number,
): AttemptDecision {
  const count = inWindowAscending.length;
  if (count < limit) return { allowed: true, remaining: limit - count - 1 };
  // The attempt whose departure brings the count down to limit - 1 (the oldest when count = limit).
  const freeing = inWindowAscending[count - limit];
  return { allowed: false, retryAfterMs: Math.max(1, freeing + windowMs - nowMs) };
}
