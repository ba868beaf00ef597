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
 * Threads: `GET {api}/refresh_access_token?grant_type=th_refresh_token&access_token=...`
 * renews a long-lived token that is at least 24 hours old, unexpired, with `threads_basic`
 * granted, for the `expires_in` Meta returns (60 days). A token not refreshed within its 60
 * days expires for good: the plan refreshes at day 45.
 */
export function threadsTokenRefresher(
  settings: Pick<PlatformSettings, 'apiUrl'>,
  options: { timeoutMs?: number; timing?: RefreshTiming } = {},
): MetaTokenRefresher {
  return new MetaTokenRefresher({
    platform: 'threads',
    graph: new GraphClient({
      platform: 'threads',
      apiUrl: settings.apiUrl,
      timeoutMs: options.timeoutMs,
    }),
    request: (accessToken) => ({
      path: 'refresh_access_token',
      query: { grant_type: 'th_refresh_token', access_token: accessToken },
    }),
    timing: options.timing ?? META_REFRESH_TIMING,
    minimumAgeMs: META_MINIMUM_REFRESH_AGE_MS,
    unknownAgeWindowMs: META_UNKNOWN_AGE_WINDOW_MS,
    nonExpiringReason: 'Threads gave this token no expiry: there is nothing to refresh.',
  });
}
