import type { Platform } from '@ledger/domain';
import { PlatformApiError, PlatformError } from '../errors';
import { GRAPH_PLATFORM_LABELS } from '../meta/graph-errors';
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
  if (!(error instanceof PlatformError)) {
    return {
      kind: 'transient',
      reason: 'The token refresh failed unexpectedly: it will be retried.',
      retryAt: null,
    };
  }
  const label = error.platform ? GRAPH_PLATFORM_LABELS[error.platform as Platform] : 'The platform';
  const retryAt = error instanceof PlatformApiError ? error.retryAt : null;
  switch (error.code) {
    case 'TOKEN_INVALID':
      return {
        kind: 'expired',
        reason: `${label} no longer accepts this connection's authorization (it expired or was revoked): reconnect the account.`,
      };
    case 'INSUFFICIENT_PERMISSIONS':
      return {
        kind: 'error',
        code: 'INSUFFICIENT_PERMISSIONS',
        reason: `${label} no longer grants the permissions this connection needs: reconnect the account and approve every permission.`,
      };
    case 'ACCOUNT_NOT_FOUND':
      return {
        kind: 'error',
        code: 'ACCOUNT_NOT_FOUND',
        reason: `${label} says this account no longer exists or cannot be reached: check it at ${label}, then reconnect or remove it.`,
      };
    case 'PLATFORM_RATE_LIMITED':
      return {
        kind: 'transient',
        reason: `${label} is limiting requests: the token refresh will be retried.`,
        retryAt,
      };
    default:
      // PLATFORM_UNAVAILABLE, and this service's own problems (configuration): not the account's.
      return {
        kind: 'transient',
        reason: `${label} could not refresh the token right now: it will be retried.`,
        retryAt,
      };
  }
}
