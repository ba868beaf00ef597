import type { PlatformSettings } from '../platform-config';
import {
  definePlatform,
  type OAuthPlatform,
  type PlatformOAuthTraits,
} from '../platform-definition';
import { FacebookIdentityClient } from './facebook-identity-client';

/**
 * Facebook Login, authorization code flow: comma-separated scopes, the app secret in the
 * token request body, no PKCE. Each Page is its own connection, so the user picks Pages.
 * `pages_show_list` lists them, `pages_manage_posts` and `pages_read_engagement` publish
 * and read back, `business_management` reaches Pages owned through a Business portfolio.
 */
export const FACEBOOK_OAUTH: PlatformOAuthTraits = {
  platform: 'facebook',
  scopes: ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'business_management'],
  scopeSeparator: ',',
  pkce: false,
  tokenEndpointAuth: 'client_secret_post',
  selection: true,
};

export function facebookOAuthPlatform(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number } = {},
): OAuthPlatform {
  return {
    definition: definePlatform(FACEBOOK_OAUTH, settings),
    identityClient: new FacebookIdentityClient({
      apiUrl: settings.apiUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      timeoutMs: options.timeoutMs,
    }),
  };
}
