import type { Platform } from '@ledger/domain';
import { PlatformApiError, PlatformError } from './errors';
import { GRAPH_PLATFORM_LABELS } from './meta/graph-errors';

/**
 * What a failed platform call says about a connection, before any job words it for the user
 * (refresh, health check, publish). Each job maps these kinds onto its own outcome:
 * - `unexpected`: not a PlatformError at all (a bug, a crash): retried, never blamed on the account.
 * - `token_dead`: the token expired or was revoked: the user must reconnect.
 * - `permissions_revoked`: the platform no longer grants what the connection needs.
 * - `account_gone`: the account no longer exists or cannot be reached.
 * - `rate_limited`: the platform is limiting requests (not before `retryAt` when set).
 * - `unavailable`: outages, 5xx, and this service's own problems (configuration, its client
 *   credentials refused): a platform-wide failure must not mark every connection broken.
 * `label` is the platform's name for messages ("The platform" when the error names none).
 */
export type PlatformFailure =
  | { kind: 'unexpected' }
  | { kind: 'token_dead'; label: string }
  | { kind: 'permissions_revoked'; label: string }
  | { kind: 'account_gone'; label: string; platform: Platform | null }
  | { kind: 'rate_limited'; label: string; retryAt: Date | null }
  | { kind: 'unavailable'; label: string; retryAt: Date | null };

export function platformLabel(platform: Platform | null): string {
  return platform ? GRAPH_PLATFORM_LABELS[platform] : 'The platform';
}

export function classifyPlatformFailure(error: unknown): PlatformFailure {
  if (!(error instanceof PlatformError)) return { kind: 'unexpected' };
  const label = platformLabel(error.platform);
  const retryAt = error instanceof PlatformApiError ? error.retryAt : null;
  switch (error.code) {
    case 'TOKEN_INVALID':
      return { kind: 'token_dead', label };
    case 'INSUFFICIENT_PERMISSIONS':
      return { kind: 'permissions_revoked', label };
    case 'ACCOUNT_NOT_FOUND':
      return { kind: 'account_gone', label, platform: error.platform };
    case 'PLATFORM_RATE_LIMITED':
      return { kind: 'rate_limited', label, retryAt };
    default:
      return { kind: 'unavailable', label, retryAt };
  }
}

/** The user-facing reason for a dead token: the same words whichever job found it. */
export function tokenDeadReason(label: string): string {
  return `${label} no longer accepts this connection's authorization (it expired or was revoked): reconnect the account.`;
}

/** The user-facing reason for an account the platform no longer shows (refresh and publish). */
export function accountGoneReason(label: string): string {
  return `${label} says this account no longer exists or cannot be reached: check it at ${label}, then reconnect or remove it.`;
}
