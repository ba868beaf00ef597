import type { Platform } from '@ledger/domain';
import { facebookOAuthPlatform } from './facebook/facebook-platform';
import { instagramOAuthPlatform } from './instagram/instagram-platform';
import { isConfigured, type PlatformSettings, type PlatformsConfig } from './platform-config';
import { definePlatform, type OAuthPlatform } from './platform-definition';
import { threadsOAuthPlatform } from './threads/threads-platform';
import { linkedinOAuthPlatform } from './linkedin/linkedin-platform';
import { parseRestrictedRegions, tiktokOAuthPlatform } from './tiktok/tiktok-platform';
import { XIdentityClient } from './x/x-identity-client';
import { X_OAUTH } from './x/x-platform';

type ConfiguredSettings = PlatformSettings & { clientId: string; clientSecret: string };
type EnvLike = Record<string, string | undefined>;

/** How each platform becomes an OAuth integration once it has credentials. */
const INTEGRATIONS: Partial<
  Record<Platform, (settings: ConfiguredSettings, env: EnvLike) => OAuthPlatform>
> = {
  x: (x) => ({
    definition: definePlatform(X_OAUTH, x),
    identityClient: new XIdentityClient({ apiUrl: x.apiUrl }),
  }),
  facebook: (settings) => facebookOAuthPlatform(settings),
  instagram: (settings) => instagramOAuthPlatform(settings),
  threads: (settings) => threadsOAuthPlatform(settings),
  linkedin: (settings) => linkedinOAuthPlatform(settings),
  tiktok: (settings, env) =>
    tiktokOAuthPlatform(settings, {
      restrictedRegions: parseRestrictedRegions(env.TIKTOK_RESTRICTED_REGIONS ?? ''),
      businessApiUrl: env.TIKTOK_BUSINESS_API_URL,
    }),
};

/** The platforms that have both an implementation and credentials. */
export function configuredPlatforms(config: PlatformsConfig, env: EnvLike = {}): OAuthPlatform[] {
  const result: OAuthPlatform[] = [];
  for (const [platform, integrate] of Object.entries(INTEGRATIONS)) {
    const settings = config.platforms[platform as Platform];
    if (integrate && isConfigured(settings)) result.push(integrate(settings, env));
  }
  return result;
}
