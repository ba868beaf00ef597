import type { Clock } from '@ledger/commands';
import { RateLimitExceededError } from '../http/rate-limit-exceeded.error';
import {
  CONNECTION_ATTEMPT_WINDOW_MS,
  ConnectionAttemptLimiter,
  tooManyAttemptsMessage,
} from './connection-attempt-limiter';
import type {
  AttemptDecision,
  ConnectionAttemptKey,
  ConnectionAttemptLog,
} from './connection-attempt-log.port';

class ScriptedLog implements ConnectionAttemptLog {
  readonly calls: Array<{ key: ConnectionAttemptKey; now: Date; limit: number; windowMs: number }> =
    [];
  constructor(private readonly next: AttemptDecision) {}
  async recordIfAllowed(key: ConnectionAttemptKey, now: Date, limit: number, windowMs: number) {
    this.calls.push({ key, now, limit, windowMs });
    return this.next;
  }
}

const NOW = new Date('2030-01-01T09:20:00Z');
const clock: Clock = { now: () => NOW };

async function refusal(retryAfterMs: number, limit = 10): Promise<RateLimitExceededError> {
  const limiter = new ConnectionAttemptLimiter(
    new ScriptedLog({ allowed: false, retryAfterMs }),
    limit,
    clock,
  );
  const error: unknown = await limiter.check({ userId: 'u' }, 'w').catch((e: unknown) => e);
  if (!(error instanceof RateLimitExceededError)) throw new Error('expected a refusal');
  return error;
}

describe('ConnectionAttemptLimiter', () => {
  it('records the attempt for the user in the workspace, over an hour, at the clock time', async () => {
    const log = new ScriptedLog({ allowed: true, remaining: 4 });
    const limiter = new ConnectionAttemptLimiter(log, 10, clock);
    await expect(limiter.check({ userId: 'user-1' }, 'ws-1')).resolves.toEqual({ remaining: 4 });
    expect(log.calls).toEqual([
      {
        key: { userId: 'user-1', workspaceId: 'ws-1' },
        now: NOW,
        limit: 10,
        windowMs: CONNECTION_ATTEMPT_WINDOW_MS,
      },
    ]);
    expect(CONNECTION_ATTEMPT_WINDOW_MS).toBe(3_600_000);
  });

  it('refuses with RateLimitExceededError: seconds to wait, limit and window, and a plain message', async () => {
    const error = await refusal(40 * 60_000);
    expect(error.retryAfterSeconds).toBe(2400);
    expect(error.details).toEqual({ limit: 10, windowSeconds: 3600 });
    expect(error.message).toBe(
      'Too many connection attempts in this workspace: try again in 40 minutes (at most 10 per hour)',
    );
  });

  it('rounds the wait up, to whole seconds and whole minutes', async () => {
    expect((await refusal(1)).retryAfterSeconds).toBe(1);
    expect((await refusal(1)).message).toMatch(/try again in 1 minute \(/);
    expect((await refusal(60_001)).retryAfterSeconds).toBe(61);
    expect((await refusal(60_001)).message).toMatch(/try again in 2 minutes/);
    expect(tooManyAttemptsMessage(3600, 3)).toBe(
      'Too many connection attempts in this workspace: try again in 60 minutes (at most 3 per hour)',
    );
  });

  it('refuses a limit that is not a positive integer', () => {
    const log = new ScriptedLog({ allowed: true, remaining: 0 });
    expect(() => new ConnectionAttemptLimiter(log, 0, clock)).toThrow(RangeError);
    expect(() => new ConnectionAttemptLimiter(log, 2.5, clock)).toThrow(RangeError);
  });
});
