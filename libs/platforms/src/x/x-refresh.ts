import { OAuthTokenRefresher } from '../refresh/oauth-token-refresher';
import { HOUR_MS, shownDate, type RefreshTiming } from '../refresh/token-refresher';
import type { PlatformSettings } from '../platform-config';
import { X_OAUTH } from './x-platform';

/** At 80 % of the access token's life (96 min of X's 2 h); 15 min before expiry when unknown. */
export const X_REFRESH_TIMING: RefreshTiming = { lifeFraction: 0.8, marginMs: HOUR_MS / 4 };

/**
 * X OAuth 2.0: `POST {token URL}` with `grant_type=refresh_token&refresh_token=...` and the
 * client's HTTP Basic credentials. X rotates refresh tokens: the answer carries a new one and
 * the presented one stops working, so a second refresh with it fails for good. X answers a
 * used, revoked or expired refresh token with `invalid_request` ("Value passed for the token
 * was invalid"), which therefore counts as dead here, like `invalid_grant`. A refresh token
 * exists only when `offline.access` was granted.
 */
export function xTokenRefresher(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): OAuthTokenRefresher {
  return new OAuthTokenRefresher({
    platform: 'x',
    tokenUrl: settings.tokenUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    auth: X_OAUTH.tokenEndpointAuth,
    rotates: true,
    timing: options.timing ?? X_REFRESH_TIMING,
    deadTokenErrors: ['invalid_grant', 'invalid_request'],
    noRefreshTokenReason: (expiresAt) =>
      `X issued no refresh token (offline.access was not granted): reconnect the account${expiresAt ? ` before ${shownDate(expiresAt)}` : ''}.`,
    timeoutMs: options.timeoutMs,
  });
}
