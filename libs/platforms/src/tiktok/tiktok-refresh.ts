import { OAuthTokenRefresher } from '../refresh/oauth-token-refresher';
import { HOUR_MS, shownDate, type RefreshTiming } from '../refresh/token-refresher';
import type { PlatformSettings } from '../platform-config';
import { TIKTOK_OAUTH } from './tiktok-platform';

/**
 * At 80 % of the access token's life as TikTok returned it (its documentation says 24 h on
 * one page and 2 h on another); 30 min before expiry when the issue time is unknown.
 */
export const TIKTOK_REFRESH_TIMING: RefreshTiming = { lifeFraction: 0.8, marginMs: HOUR_MS / 2 };

/**
 * TikTok OAuth v2: `POST /v2/oauth/token/` with `client_key`, `client_secret`,
 * `grant_type=refresh_token` and `refresh_token` in the form body. TikTok rotates refresh
 * tokens and returns new `expires_in` and `refresh_expires_in`; a refresh token past its
 * `refresh_expires_in` cannot refresh (the plan says so). `scope_not_authorized` means the
 * user withdrew a scope; app-wide caps and `rate_limit_exceeded` are transient.
 */
export function tiktokTokenRefresher(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): OAuthTokenRefresher {
  return new OAuthTokenRefresher({
    platform: 'tiktok',
    tokenUrl: settings.tokenUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    auth: TIKTOK_OAUTH.tokenEndpointAuth,
    clientIdParameter: TIKTOK_OAUTH.clientIdParameter,
    rotates: true,
    timing: options.timing ?? TIKTOK_REFRESH_TIMING,
    deadTokenErrors: ['invalid_grant'],
    permissionErrors: ['access_denied', 'scope_not_authorized', 'scope_permission_missed'],
    noRefreshTokenReason: (expiresAt) =>
      `TikTok issued no refresh token for this connection: reconnect the account${expiresAt ? ` before ${shownDate(expiresAt)}` : ''}.`,
    timeoutMs: options.timeoutMs,
  });
}
