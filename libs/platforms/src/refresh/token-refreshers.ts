import type { Platform } from '@ledger/domain';
import { facebookTokenRefresher } from '../facebook/facebook-refresh';
import { instagramTokenRefresher } from '../instagram/instagram-refresh';
import { linkedinTokenRefresher } from '../linkedin/linkedin-refresh';
import { isConfigured, type PlatformSettings, type PlatformsConfig } from '../platform-config';
import { threadsTokenRefresher } from '../threads/threads-refresh';
import { tiktokTokenRefresher } from '../tiktok/tiktok-refresh';
import { xTokenRefresher } from '../x/x-refresh';
import type { TokenRefresher } from './token-refresher';

type ConfiguredSettings = PlatformSettings & { clientId: string; clientSecret: string };

export interface TokenRefresherOptions {
  /** Per request to a platform; default 10 s. */
  timeoutMs?: number;
}

/** How each platform's refresher is built once it has credentials (as platform-integrations.ts). */
const REFRESHERS: Record<
  Platform,
  (settings: ConfiguredSettings, options: TokenRefresherOptions) => TokenRefresher
> = {
  x: (settings, options) => xTokenRefresher(settings, options),
  tiktok: (settings, options) => tiktokTokenRefresher(settings, options),
  linkedin: (settings, options) => linkedinTokenRefresher(settings, options),
  instagram: (settings, options) => instagramTokenRefresher(settings, options),
  threads: (settings, options) => threadsTokenRefresher(settings, options),
  facebook: (settings, options) => facebookTokenRefresher(settings, options),
};

/**
 * The refreshers of the configured platforms (client id and secret set), by platform. A
 * platform without credentials has no connections to refresh: it is absent from the map.
 */
export function tokenRefreshers(
  config: PlatformsConfig,
  options: TokenRefresherOptions = {},
): Map<Platform, TokenRefresher> {
  const result = new Map<Platform, TokenRefresher>();
  for (const [platform, build] of Object.entries(REFRESHERS) as [
    Platform,
    (typeof REFRESHERS)[Platform],
  ][]) {
    const settings = config.platforms[platform];
    if (settings && isConfigured(settings)) result.set(platform, build(settings, options));
  }
  return result;
}
