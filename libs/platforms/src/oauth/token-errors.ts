import OAuth2Strategy from 'passport-oauth2';
import type { Platform } from '@ledger/domain';
import { OAuthTokenError } from '../errors';

/**
 * Turns what passport-oauth2 reports for a failed code exchange into a typed error:
 * a refused grant (invalid_grant: used, expired or PKCE-mismatched code) is final;
 * 5xx, 429 and network failures are transient. Returns null for anything that is not
 * a token-endpoint failure. The raw body is dropped: it is the platform's, not ours.
 */
export function classifyTokenFailure(platform: Platform, err: unknown): OAuthTokenError | null {
  if (err instanceof OAuth2Strategy.TokenError) {
    return new OAuthTokenError(platform, isTransientStatus(err.status), err.code, err.status);
  }
  if (err instanceof OAuth2Strategy.InternalOAuthError) {
    if (err.oauthError instanceof TokenEndpointUnansweredError) {
      return new OAuthTokenError(platform, true, null, null, err.oauthError.message);
    }
    const cause = err.oauthError as { statusCode?: unknown } | undefined;
    const status = typeof cause?.statusCode === 'number' ? cause.statusCode : null;
    // No status: the request never got an answer (refused connection, reset, DNS).
    return new OAuthTokenError(
      platform,
      status === null || isTransientStatus(status),
      null,
      status,
    );
  }
  if (err instanceof Error && err.message === 'Failed to obtain access token') {
    // A 2xx without an access_token: the platform misbehaved; nothing the user did.
    return new OAuthTokenError(platform, true, null, null);
  }
  return null;
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** The token endpoint gave no usable answer; the message says why, never what it sent. */
export class TokenEndpointUnansweredError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenEndpointUnansweredError';
  }
}
