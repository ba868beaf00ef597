import { isConfigured, type PlatformsConfig } from './platform-config';
import { definePlatform, type OAuthPlatform } from './platform-definition';
import { XIdentityClient } from './x/x-identity-client';
import { X_OAUTH } from './x/x-platform';

/**
 * The platforms that have both an implementation and credentials. Facebook, Instagram,
 * TikTok, LinkedIn and Threads join here with their traits and identity clients.
 */
export function configuredPlatforms(config: PlatformsConfig): OAuthPlatform[] {
  const result: OAuthPlatform[] = [];
  const x = config.platforms.x;
  if (isConfigured(x)) {
    result.push({
      definition: definePlatform(X_OAUTH, x),
      identityClient: new XIdentityClient({ apiUrl: x.apiUrl }),
    });
  }
  return result;
}
