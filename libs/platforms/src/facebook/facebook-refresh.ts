import { GraphClient } from '../meta/graph-client';
import {
  META_REFRESH_TIMING,
  META_UNKNOWN_AGE_WINDOW_MS,
  MetaTokenRefresher,
} from '../refresh/meta-token-refresher';
import type { RefreshTiming } from '../refresh/token-refresher';
import type { PlatformSettings } from '../platform-config';

/**
 * Facebook connections are Pages, and a Page token obtained from a long-lived user token does
 * not expire (the vault keeps `expiresAt: null`): nothing to refresh. A long-lived user token,
 * if one is ever stored (it has an expiry), is exchanged again with `fb_exchange_token` before
 * it lapses; an expired one cannot be (the user logs in again).
 */
export function facebookTokenRefresher(
  settings: Pick<PlatformSettings, 'apiUrl'> & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): MetaTokenRefresher {
  return new MetaTokenRefresher({
    platform: 'facebook',
    graph: new GraphClient({
      platform: 'facebook',
      apiUrl: settings.apiUrl,
      timeoutMs: options.timeoutMs,
    }),
    request: (accessToken) => ({
      path: 'oauth/access_token',
      query: {
        grant_type: 'fb_exchange_token',
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        fb_exchange_token: accessToken,
      },
    }),
    timing: options.timing ?? META_REFRESH_TIMING,
    minimumAgeMs: 0,
    unknownAgeWindowMs: META_UNKNOWN_AGE_WINDOW_MS,
    nonExpiringReason: 'Facebook Page tokens do not expire: there is nothing to refresh.',
  });
}
