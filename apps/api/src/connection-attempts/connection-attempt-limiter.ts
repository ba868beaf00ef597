import type { Clock } from '@ledger/commands';
import { RateLimitExceededError } from '../http/rate-limit-exceeded.error';
import type { ConnectionAttemptLog } from './connection-attempt-log.port';

/** The sliding window of the limit (ARCHITECTURE.md: attempts "within an hour"). */
export const CONNECTION_ATTEMPT_WINDOW_MS = 60 * 60 * 1000;

/**
 * Refuses a user's connection attempts (starting an OAuth connect, reconnect or copy) in a
 * workspace once `limit` of them fall within the last hour, until the oldest leaves the window
 * (CONNECTION_ATTEMPTS_PER_HOUR). Call `check` before starting the flow; a refusal surfaces as
 * 429 RATE_LIMIT_EXCEEDED with `Retry-After` through the global problem filter.
 */
export class ConnectionAttemptLimiter {
  constructor(
    private readonly log: ConnectionAttemptLog,
    readonly limit: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The connection attempt limit must be a positive integer: ${limit}`);
    }
  }

  /**
   * Records one attempt by `actor` in `workspaceId`, or throws RateLimitExceededError when the
   * window is full (the refused attempt is not recorded). Resolves to the attempts still left.
   */
  async check(actor: { userId: string }, workspaceId: string): Promise<{ remaining: number }> {
    const decision = await this.log.recordIfAllowed(
      { userId: actor.userId, workspaceId },
      this.clock.now(),
      this.limit,
      CONNECTION_ATTEMPT_WINDOW_MS,
    );
    if (decision.allowed) return { remaining: decision.remaining };
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new RateLimitExceededError(
      retryAfterSeconds,
      { limit: this.limit, windowSeconds: CONNECTION_ATTEMPT_WINDOW_MS / 1000 },
      tooManyAttemptsMessage(retryAfterSeconds, this.limit),
    );
  }
}

/** E.g. "Too many connection attempts in this workspace: try again in 12 minutes (...)". */
export function tooManyAttemptsMessage(retryAfterSeconds: number, limit: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return (
    `Too many connection attempts in this workspace: try again in ` +
    `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} (at most ${limit} per hour)`
  );
}
