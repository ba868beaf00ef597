import type { Platform } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';
import { PlatformApiError, PlatformError } from '../errors';
import { GRAPH_PLATFORM_LABELS } from '../meta/graph-errors';

/** The connection a probe checks: who it should be at the platform, and its tokens. */
export interface ProbedConnection {
  platform: Platform;
  accountId: string;
  accountName: string;
  accountType: string;
  tokens: ConnectionTokens;
}

/**
 * What a health check makes of a connection:
 * - `healthy`: the token works and the platform still shows the account. `accountName` is the
 *   name the platform gives it now (a renamed account keeps its id: it stays healthy, and
 *   `renamed` says its name changed).
 * - `transient`: the platform could not answer (outage, 5xx, rate limit, anything unrecognised);
 *   nothing is said about the connection and nothing is recorded against it.
 * - `expired`: the token is dead (expired or revoked): the user must reconnect.
 * - `error`: permissions withdrawn, the account gone, no longer administered, or the token now
 *   answers for another account. `reason` is for the user; it never carries a token.
 */
export type HealthOutcome =
  | { kind: 'healthy'; accountName: string; renamed: boolean }
  | { kind: 'transient'; reason: string; retryAt: Date | null }
  | { kind: 'expired'; reason: string }
  | {
      kind: 'error';
      code:
        | 'INSUFFICIENT_PERMISSIONS'
        | 'ACCOUNT_NOT_FOUND'
        | 'ACCOUNT_NOT_ADMINISTERED'
        | 'ACCOUNT_TYPE_NOT_SUPPORTED';
      reason: string;
    };

/** Per platform: does the connection's token still work for its account, in the platform's API? */
export interface HealthProbe {
  readonly platform: Platform;
  /** Never rejects: every failure is classified into an outcome. */
  probe(connection: ProbedConnection): Promise<HealthOutcome>;
}

export function platformLabel(platform: Platform | null): string {
  return platform ? GRAPH_PLATFORM_LABELS[platform] : 'The platform';
}

export function healthy(connection: ProbedConnection, accountName: string): HealthOutcome {
  return { kind: 'healthy', accountName, renamed: accountName !== connection.accountName };
}

export function accountNotFound(platform: Platform): HealthOutcome {
  const label = platformLabel(platform);
  return {
    kind: 'error',
    code: 'ACCOUNT_NOT_FOUND',
    reason: `${label} account not found: it was deleted or deactivated, or this connection can no longer see it. Check it at ${label}, then reconnect or remove it.`,
  };
}

export function notAdministered(platform: Platform, what: string): HealthOutcome {
  const label = platformLabel(platform);
  return {
    kind: 'error',
    code: 'ACCOUNT_NOT_ADMINISTERED',
    reason: `${label} no longer lists you as an admin of this ${what}: ask an admin of the ${what} to reconnect it, or remove it.`,
  };
}

/** A platform error thrown while probing, as a health outcome (same lines as `refreshOutcome`). */
export function healthOutcome(error: unknown): HealthOutcome {
  if (!(error instanceof PlatformError)) {
    return {
      kind: 'transient',
      reason: 'The health check failed unexpectedly: it will run again.',
      retryAt: null,
    };
  }
  const label = platformLabel(error.platform);
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
        reason: `${label} permissions revoked: ${label} no longer grants what this connection needs. Reconnect the account and approve every permission.`,
      };
    case 'ACCOUNT_NOT_FOUND':
      return error.platform ? accountNotFound(error.platform) : accountNotFoundUnknown();
    case 'PLATFORM_RATE_LIMITED':
      return {
        kind: 'transient',
        reason: `${label} is limiting requests: the health check will run again.`,
        retryAt,
      };
    default:
      // PLATFORM_UNAVAILABLE, and this service's own problems: not the account's fault.
      return {
        kind: 'transient',
        reason: `${label} could not be checked right now: the health check will run again.`,
        retryAt,
      };
  }
}

function accountNotFoundUnknown(): HealthOutcome {
  return {
    kind: 'error',
    code: 'ACCOUNT_NOT_FOUND',
    reason: 'The platform says the account was not found: reconnect or remove it.',
  };
}
