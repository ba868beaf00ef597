import { OAuthTokenError, PlatformApiError, PlatformNotConfiguredError } from '../errors';
import { TokenRefreshError } from './refresh-errors';
import { refreshOutcome } from './refresh-outcome';
import { RefreshNotDueError, scheduledRefreshAt } from './token-refresher';

const NOW = new Date('2026-11-02T10:00:00.000Z');

describe('refreshOutcome', () => {
  const api = (code: ConstructorParameters<typeof PlatformApiError>[0], retryAt?: Date) =>
    new PlatformApiError(code, 'x', 'X said no', 400, retryAt ?? null);

  it('makes a dead token expired', () => {
    expect(refreshOutcome(api('TOKEN_INVALID'))).toEqual({
      kind: 'expired',
      reason:
        "X no longer accepts this connection's authorization (it expired or was revoked): reconnect the account.",
    });
  });

  it('makes withdrawn permissions and a vanished account errors, naming which', () => {
    expect(refreshOutcome(api('INSUFFICIENT_PERMISSIONS'))).toMatchObject({
      kind: 'error',
      code: 'INSUFFICIENT_PERMISSIONS',
      reason: expect.stringContaining('permissions'),
    });
    expect(refreshOutcome(api('ACCOUNT_NOT_FOUND'))).toMatchObject({
      kind: 'error',
      code: 'ACCOUNT_NOT_FOUND',
      reason: expect.stringContaining('no longer exists'),
    });
  });

  it('keeps platform faults transient, with when to retry', () => {
    const retryAt = new Date(NOW.getTime() + 60_000);
    expect(refreshOutcome(api('PLATFORM_RATE_LIMITED', retryAt))).toMatchObject({
      kind: 'transient',
      retryAt,
    });
    expect(refreshOutcome(api('PLATFORM_UNAVAILABLE'))).toMatchObject({
      kind: 'transient',
      retryAt: null,
    });
    expect(refreshOutcome(new PlatformNotConfiguredError('x')).kind).toBe('transient');
    // The code exchange's errors are not refresh verdicts: never break a connection on them.
    expect(refreshOutcome(new OAuthTokenError('x', false, 'invalid_client', 401)).kind).toBe(
      'transient',
    );
  });

  it('treats a refresh that is not due, and unknown failures, as transient', () => {
    const retryAt = new Date(NOW.getTime() + 3600_000);
    expect(refreshOutcome(new RefreshNotDueError('instagram', 'too young', retryAt))).toEqual({
      kind: 'transient',
      reason: 'too young',
      retryAt,
    });
    expect(refreshOutcome(new TypeError('boom'))).toMatchObject({ kind: 'transient' });
    expect(refreshOutcome('a string')).toMatchObject({ kind: 'transient' });
  });

  it('never repeats the error message (which is the platform side) in the reason', () => {
    const error = new TokenRefreshError('TOKEN_INVALID', 'tiktok', 'secret-ish text', 400, null);
    expect(JSON.stringify(refreshOutcome(error))).not.toContain('secret-ish');
  });
});

describe('scheduledRefreshAt', () => {
  it('refreshes at a share of the known life, else a margin before expiry', () => {
    const expiresAt = new Date(NOW.getTime() + 100_000);
    expect(scheduledRefreshAt(expiresAt, NOW, { lifeFraction: 0.8, marginMs: 5_000 })).toEqual(
      new Date(NOW.getTime() + 80_000),
    );
    expect(scheduledRefreshAt(expiresAt, null, { lifeFraction: 0.8, marginMs: 5_000 })).toEqual(
      new Date(NOW.getTime() + 95_000),
    );
    // An issue time after the expiry is nonsense: fall back to the margin.
    expect(
      scheduledRefreshAt(expiresAt, new Date(expiresAt.getTime() + 1), {
        lifeFraction: 0.8,
        marginMs: 5_000,
      }),
    ).toEqual(new Date(NOW.getTime() + 95_000));
  });
});
