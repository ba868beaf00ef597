import type { Platform } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';
import { classifyPlatformFailure, platformLabel, tokenDeadReason } from '../platform-failure';

export { platformLabel } from '../platform-failure';

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
  const failure = classifyPlatformFailure(error);
  switch (failure.kind) {
    case 'unexpected':
      return {
        kind: 'transient',
        reason: 'The health check failed unexpectedly: it will run again.',
        retryAt: null,
      };
    case 'token_dead':
      return { kind: 'expired', reason: tokenDeadReason(failure.label) };
    case 'permissions_revoked':
      return {
        kind: 'error',
        code: 'INSUFFICIENT_PERMISSIONS',
        reason: `${failure.label} permissions revoked: ${failure.label} no longer grants what this connection needs. Reconnect the account and approve every permission.`,
      };
    case 'account_gone':
      return failure.platform ? accountNotFound(failure.platform) : accountNotFoundUnknown();
    case 'rate_limited':
      return {
        kind: 'transient',
        reason: `${failure.label} is limiting requests: the health check will run again.`,
        retryAt: failure.retryAt,
      };
    case 'unavailable':
      // PLATFORM_UNAVAILABLE, and this service's own problems: not the account's fault.
      return {
        kind: 'transient',
        reason: `${failure.label} could not be checked right now: the health check will run again.`,
        retryAt: failure.retryAt,
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
