import { GraphClient } from '../meta/graph-client';
import {
  META_MINIMUM_REFRESH_AGE_MS,
  META_REFRESH_TIMING,
  META_UNKNOWN_AGE_WINDOW_MS,
  MetaTokenRefresher,
} from '../refresh/meta-token-refresher';
import type { RefreshTiming } from '../refresh/token-refresher';
import type { PlatformSettings } from '../platform-config';

/**
 * Instagram API with Instagram Login: `GET {api}/refresh_access_token?grant_type=ig_refresh_token
 * &access_token=...` renews a long-lived token that is at least 24 hours old and unexpired,
 * for the `expires_in` Meta returns (60 days). No app secret is involved.
 */
export function instagramTokenRefresher(
  settings: Pick<PlatformSettings, 'apiUrl'>,
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): MetaTokenRefresher {
  return new MetaTokenRefresher({
    platform: 'instagram',
    graph: new GraphClient({
      platform: 'instagram',
      apiUrl: settings.apiUrl,
      timeoutMs: options.timeoutMs,
    }),
    request: (accessToken) => ({
      path: 'refresh_access_token',
      query: { grant_type: 'ig_refresh_token', access_token: accessToken },
    }),
    timing: options.timing ?? META_REFRESH_TIMING,
    minimumAgeMs: META_MINIMUM_REFRESH_AGE_MS,
    unknownAgeWindowMs: META_UNKNOWN_AGE_WINDOW_MS,
    nonExpiringReason: 'Instagram gave this token no expiry: there is nothing to refresh.',
  });
}
