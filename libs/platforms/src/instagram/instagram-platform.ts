import type { PlatformSettings } from '../platform-config';
import {
  definePlatform,
  type OAuthPlatform,
  type PlatformOAuthTraits,
} from '../platform-definition';
import { InstagramIdentityClient } from './instagram-identity-client';

/**
 * Business Login for Instagram (Instagram API with Instagram Login): authorize on
 * www.instagram.com, code exchange on api.instagram.com (POST form, secret in the body),
 * API on graph.instagram.com: three hosts, each its own setting. No PKCE. One account per
 * login, so no selection step.
 */
export const INSTAGRAM_OAUTH: PlatformOAuthTraits = {
  platform: 'instagram',
  scopes: ['instagram_business_basic', 'instagram_business_content_publish'],
  scopeSeparator: ',',
  pkce: false,
  tokenEndpointAuth: 'client_secret_post',
  selection: false,
};

export function instagramOAuthPlatform(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number } = {},
): OAuthPlatform {
  return {
    definition: definePlatform(INSTAGRAM_OAUTH, settings),
    identityClient: new InstagramIdentityClient({
      apiUrl: settings.apiUrl,
      clientSecret: settings.clientSecret,
      timeoutMs: options.timeoutMs,
    }),
  };
}
