import { OAuthTokenRefresher } from '../refresh/oauth-token-refresher';
import { DAY_MS, shownDate, type RefreshTiming } from '../refresh/token-refresher';
import type { PlatformSettings } from '../platform-config';
import { LINKEDIN_OAUTH } from './linkedin-platform';

/** At 80 % of the access token's life (day 48 of 60); 7 days before expiry when unknown. */
export const LINKEDIN_REFRESH_TIMING: RefreshTiming = { lifeFraction: 0.8, marginMs: 7 * DAY_MS };

/**
 * LinkedIn: programmatic refresh tokens exist only for approved partners. With one,
 * `POST /oauth/v2/accessToken` with `grant_type=refresh_token`, `refresh_token`, `client_id`
 * and `client_secret` (client_secret_post) yields a new access token; the refresh token is
 * kept (it does not rotate) and keeps its end of life (365 days from the first authorization,
 * `refresh_token_expires_in`). Without one the connection cannot be renewed: the plan says
 * reconnect before the access token's expiry. LinkedIn answers an invalid or expired refresh
 * token with `invalid_request`, counted as dead here like `invalid_grant`.
 */
export function linkedinTokenRefresher(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): OAuthTokenRefresher {
  return new OAuthTokenRefresher({
    platform: 'linkedin',
    tokenUrl: settings.tokenUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    auth: LINKEDIN_OAUTH.tokenEndpointAuth,
    rotates: false,
    timing: options.timing ?? LINKEDIN_REFRESH_TIMING,
    deadTokenErrors: ['invalid_grant', 'invalid_request'],
    noRefreshTokenReason: (expiresAt) =>
      expiresAt
        ? `LinkedIn issues no refresh token: reconnect before ${shownDate(expiresAt)}.`
        : 'LinkedIn issues no refresh token: reconnect the account when it expires.',
    timeoutMs: options.timeoutMs,
  });
}
