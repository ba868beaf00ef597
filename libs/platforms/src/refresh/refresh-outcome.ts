import { accountGoneReason, classifyPlatformFailure, tokenDeadReason } from '../platform-failure';
import { RefreshNotDueError } from './token-refresher';

/**
 * What the refresh job makes of a failed refresh:
 * - `transient`: retry with backoff (not before `retryAt` when set); the connection stays
 *   `active`. Outages, 5xx, platform rate limits, app-wide caps, this service's own client
 *   credentials being refused, and anything unrecognised land here: a platform-wide failure
 *   must not mark every connection broken.
 * - `expired`: the token is dead (refresh token used, revoked or expired; Meta token expired);
 *   the connection becomes `expired` and the user must reconnect.
 * - `error`: permissions withdrawn or the account gone; the connection becomes `error`.
 * `reason` is for the user (kept as the connection's status reason); it never carries a token.
 */
export type RefreshOutcome =
  | { kind: 'transient'; reason: string; retryAt: Date | null }
  | { kind: 'expired'; reason: string }
  | { kind: 'error'; code: 'INSUFFICIENT_PERMISSIONS' | 'ACCOUNT_NOT_FOUND'; reason: string };

export function refreshOutcome(error: unknown): RefreshOutcome {
  if (error instanceof RefreshNotDueError) {
    return { kind: 'transient', reason: error.message, retryAt: error.retryAt };
  }
  const failure = classifyPlatformFailure(error);
  switch (failure.kind) {
    case 'unexpected':
      return {
        kind: 'transient',
        reason: 'The token refresh failed unexpectedly: it will be retried.',
        retryAt: null,
      };
    case 'token_dead':
      return { kind: 'expired', reason: tokenDeadReason(failure.label) };
    case 'permissions_revoked':
      return {
        kind: 'error',
        code: 'INSUFFICIENT_PERMISSIONS',
        reason: `${failure.label} no longer grants the permissions this connection needs: reconnect the account and approve every permission.`,
      };
    case 'account_gone':
      return {
        kind: 'error',
        code: 'ACCOUNT_NOT_FOUND',
        reason: accountGoneReason(failure.label),
      };
    case 'rate_limited':
      return {
        kind: 'transient',
        reason: `${failure.label} is limiting requests: the token refresh will be retried.`,
        retryAt: failure.retryAt,
      };
    case 'unavailable':
      // PLATFORM_UNAVAILABLE, and this service's own problems (configuration): not the account's.
      return {
        kind: 'transient',
        reason: `${failure.label} could not refresh the token right now: it will be retried.`,
        retryAt: failure.retryAt,
      };
  }
}
