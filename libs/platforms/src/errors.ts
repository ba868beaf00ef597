import type { Platform } from '@ledger/domain';
import type { AuthorizationBinding } from './oauth/pending-authorization';

/**
 * Stable codes the HTTP edge maps to statuses. Messages never carry tokens, codes,
 * PKCE verifiers or client secrets: they may end up in logs and problem+json bodies.
 */
export type PlatformErrorCode =
  | 'PLATFORM_NOT_CONFIGURED'
  | 'OAUTH_STATE_INVALID'
  | 'OAUTH_CALLBACK_INVALID'
  | 'OAUTH_ACCESS_DENIED'
  | 'OAUTH_AUTHORIZATION_FAILED'
  | 'OAUTH_TOKEN_REJECTED'
  | 'OAUTH_FLOW_NOT_BOUND'
  | 'TOKEN_INVALID'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'ACCOUNT_NOT_FOUND'
  | 'PLATFORM_RATE_LIMITED'
  | 'PLATFORM_UNAVAILABLE';

export class PlatformError extends Error {
  constructor(
    readonly code: PlatformErrorCode,
    message: string,
    readonly platform: Platform | null,
    /** True when retrying later may succeed (outage, 5xx, rate limit): not the account's fault. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class PlatformNotConfiguredError extends PlatformError {
  constructor(platform: Platform) {
    super('PLATFORM_NOT_CONFIGURED', `OAuth for ${platform} is not configured`, platform, false);
  }
}

/**
 * Why a callback's `state` was refused. `unknown` covers forged, replayed and expired
 * states alike: the store consumed or never had them, and telling them apart would
 * help an attacker more than a user.
 */
export type OAuthStateProblem = 'missing' | 'unknown' | 'platform_mismatch';

export class OAuthStateError extends PlatformError {
  constructor(
    platform: Platform,
    readonly problem: OAuthStateProblem,
  ) {
    super('OAUTH_STATE_INVALID', stateMessage(problem, platform), platform, false);
  }
}

function stateMessage(problem: OAuthStateProblem, platform: Platform): string {
  switch (problem) {
    case 'missing':
      return `The ${platform} OAuth callback carries no state`;
    case 'unknown':
      return `The ${platform} OAuth state is unknown, already used or expired: start again`;
    case 'platform_mismatch':
      return `The OAuth state was issued for another platform than ${platform}`;
  }
}

/** The callback is neither a success (code) nor an error response. */
export class OAuthCallbackError extends PlatformError {
  constructor(platform: Platform, reason: string) {
    super(
      'OAUTH_CALLBACK_INVALID',
      `Invalid ${platform} OAuth callback: ${reason}`,
      platform,
      false,
    );
  }
}

/** The platform redirected back with `error=...` (RFC 6749 §4.1.2.1). */
export class OAuthAuthorizationError extends PlatformError {
  /** The platform's error code, e.g. `access_denied`, `invalid_scope`, `server_error`. */
  readonly oauthError: string;

  constructor(
    platform: Platform,
    oauthError: string,
    /** Who started the flow, so the API can tell that user and record the attempt. */
    readonly binding: AuthorizationBinding,
  ) {
    // The code arrives in a query string: keep arbitrary text out of messages and logs.
    const code = /^[\w.-]{1,64}$/.test(oauthError) ? oauthError : 'unrecognized_error';
    // LinkedIn says user_cancelled_authorize (or _login) where others say access_denied.
    const denied = code === 'access_denied' || code.startsWith('user_cancelled');
    super(
      denied ? 'OAUTH_ACCESS_DENIED' : 'OAUTH_AUTHORIZATION_FAILED',
      denied
        ? `The user declined to authorize the ${platform} connection`
        : `${platform} refused the authorization request (${code})`,
      platform,
      code === 'temporarily_unavailable' || code === 'server_error',
    );
    this.oauthError = code;
  }
}

/**
 * The callback came from neither the browser that started the flow nor its starter's bearer
 * (docs/decisions/0008). Checked before the code is exchanged, so no token was obtained.
 */
export class OAuthFlowNotBoundError extends PlatformError {
  constructor(
    platform: Platform,
    readonly reason: 'another_user' | 'another_browser',
    /** Where the flow's starter asked the browser to go afterwards (an allowed URL). */
    readonly returnTo: string | undefined,
  ) {
    super(
      'OAUTH_FLOW_NOT_BOUND',
      reason === 'another_user'
        ? 'This authorization was started by another user'
        : 'This authorization was started in another browser, or its cookie is missing',
      platform,
      false,
    );
  }
}

/** The token endpoint refused the code, or could not be reached. */
export class OAuthTokenError extends PlatformError {
  constructor(
    platform: Platform,
    transient: boolean,
    /** RFC 6749 §5.2 error code when the platform gave one, e.g. `invalid_grant`. */
    readonly oauthError: string | null,
    readonly status: number | null,
    /** Why no answer came, e.g. `did not answer in time`. */
    reason?: string,
  ) {
    super(
      transient ? 'PLATFORM_UNAVAILABLE' : 'OAUTH_TOKEN_REJECTED',
      transient
        ? `The ${platform} token endpoint ${reason ?? 'is unavailable'}${status ? ` (HTTP ${status})` : ''}: try again later`
        : `${platform} rejected the authorization code${oauthError ? ` (${oauthError})` : ''}${status ? ` (HTTP ${status})` : ''}`,
      platform,
      transient,
    );
  }
}

export type PlatformApiErrorCode = Extract<
  PlatformErrorCode,
  | 'TOKEN_INVALID'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'ACCOUNT_NOT_FOUND'
  | 'PLATFORM_RATE_LIMITED'
  | 'PLATFORM_UNAVAILABLE'
>;

/** A platform API call failed; the code says whose fault it is and what to do. */
export class PlatformApiError extends PlatformError {
  constructor(
    code: PlatformApiErrorCode,
    platform: Platform,
    message: string,
    readonly status: number | null,
    /** For PLATFORM_RATE_LIMITED: when the platform says the window frees. */
    readonly retryAt: Date | null = null,
    options?: { cause?: unknown },
  ) {
    super(
      code,
      message,
      platform,
      code === 'PLATFORM_RATE_LIMITED' || code === 'PLATFORM_UNAVAILABLE',
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
