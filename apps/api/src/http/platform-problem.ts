import { PlatformApiError, type PlatformError, type PlatformErrorCode } from '@ledger/platforms';
import type { MappedProblem } from './problem-mapping';

/**
 * What a consumer sees when OAuth or a platform API fails, with what to do about it. A
 * platform's own rate limit or outage is 503 (wait and retry), never our 429.
 */
export const PLATFORM_PROBLEMS: Record<
  PlatformErrorCode,
  { status: number; title: string; todo: string }
> = {
  PLATFORM_NOT_CONFIGURED: {
    status: 404,
    title: 'Platform not available',
    todo: 'Ask an operator to configure this platform.',
  },
  OAUTH_STATE_INVALID: {
    status: 400,
    title: 'OAuth state refused',
    todo: 'Start connecting again from the Integrations page.',
  },
  OAUTH_CALLBACK_INVALID: {
    status: 400,
    title: 'OAuth callback malformed',
    todo: 'Start connecting again from the Integrations page.',
  },
  OAUTH_ACCESS_DENIED: {
    status: 403,
    title: 'Access not granted',
    todo: 'Approve the requested permissions to connect the account.',
  },
  OAUTH_AUTHORIZATION_FAILED: {
    status: 502,
    title: 'Platform refused the authorization',
    todo: 'Try connecting again; if it persists, check the app settings at the platform.',
  },
  OAUTH_TOKEN_REJECTED: {
    status: 400,
    title: 'Authorization code refused',
    todo: 'Start connecting again: authorization codes are short-lived and single use.',
  },
  OAUTH_FLOW_NOT_BOUND: {
    status: 403,
    title: 'Forbidden',
    todo: 'Start connecting again yourself, and finish in the browser you started in.',
  },
  TOKEN_INVALID: { status: 409, title: 'Platform token refused', todo: 'Reconnect the account.' },
  INSUFFICIENT_PERMISSIONS: {
    status: 403,
    title: 'Insufficient platform permissions',
    todo: 'Check your role on the account and grant every requested permission.',
  },
  ACCOUNT_NOT_FOUND: {
    status: 404,
    title: 'Account not found at the platform',
    todo: 'Check that the account still exists, then reconnect.',
  },
  PLATFORM_RATE_LIMITED: { status: 503, title: 'Platform rate limit', todo: 'Wait and retry.' },
  PLATFORM_UNAVAILABLE: { status: 503, title: 'Platform unavailable', todo: 'Wait and retry.' },
};

export const CONTRACT_CODES: Partial<Record<PlatformErrorCode, string>> = {
  TOKEN_INVALID: 'CONNECTION_EXPIRED',
  // The contract's refusal of a caller; `platformCode` says which check refused it.
  OAUTH_FLOW_NOT_BOUND: 'FORBIDDEN',
};

export function fromPlatformError(error: PlatformError): MappedProblem {
  const { status, title, todo } = PLATFORM_PROBLEMS[error.code];
  const retryAfter =
    error instanceof PlatformApiError && error.retryAt
      ? Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000))
      : status === 503
        ? 30
        : null;
  return {
    status,
    code: CONTRACT_CODES[error.code] ?? error.code,
    title,
    detail: `${error.message}. ${todo}`,
    extensions: { platform: error.platform, transient: error.transient, platformCode: error.code },
    headers: retryAfter ? { 'Retry-After': String(retryAfter) } : undefined,
    internal: false,
    domainOutcome: !error.transient,
  };
}
