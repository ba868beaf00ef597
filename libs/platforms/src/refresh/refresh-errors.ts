import type { Platform } from '@ledger/domain';
import { PlatformApiError, type PlatformApiErrorCode } from '../errors';

/**
 * A token refresh at an OAuth 2.0 token endpoint (X, TikTok, LinkedIn) failed. The code says
 * whose fault it is, as for every PlatformApiError:
 * - TOKEN_INVALID: the refresh token is dead (used, revoked, expired); the user must reconnect;
 * - INSUFFICIENT_PERMISSIONS: the user withdrew what the app needs;
 * - ACCOUNT_NOT_FOUND: the account is gone;
 * - PLATFORM_RATE_LIMITED / PLATFORM_UNAVAILABLE: transient, retry later.
 * The message names the platform's error code (when it is a plain code) and the HTTP status,
 * never the response's free text, a token or a secret.
 */
export class TokenRefreshError extends PlatformApiError {
  constructor(
    code: PlatformApiErrorCode,
    platform: Platform,
    message: string,
    status: number | null,
    /** RFC 6749 §5.2 `error` (or TikTok's), when the platform gave a plain code. */
    readonly oauthError: string | null,
    retryAt: Date | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, platform, message, status, retryAt, options);
  }
}

/** A platform's error code when it is a plain code; anything else is not repeated anywhere. */
export function plainErrorCode(value: unknown): string | null {
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : null;
}
