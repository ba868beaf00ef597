import type { PlatformSettings } from '../platform-config';
import {
  definePlatform,
  type OAuthPlatform,
  type PlatformOAuthTraits,
} from '../platform-definition';
import { LinkedInIdentityClient } from './linkedin-identity-client';

/**
 * LinkedIn OAuth 2.0 authorization code flow (3-legged) with OpenID Connect for the member:
 * `https://www.linkedin.com/oauth/v2/authorization` and `.../oauth/v2/accessToken`, with
 * `client_id` and `client_secret` in the form body. No PKCE: LinkedIn offers it only to
 * native clients it enables one by one. Scopes are space-separated: `openid profile email`
 * (userinfo), `w_member_social` (post as the member), `r_organization_admin` (the pages the
 * member administers), `w_organization_social` (post as those pages). Access tokens live
 * 60 days (`expires_in`); refresh tokens only for approved partners, with
 * `refresh_token_expires_in` (365 days from the first authorization, not extended).
 * The member chooses among the profile and the pages: `selection`.
 */
export const LINKEDIN_OAUTH: PlatformOAuthTraits = {
  platform: 'linkedin',
  scopes: [
    'openid',
    'profile',
    'email',
    'w_member_social',
    'r_organization_admin',
    'w_organization_social',
  ],
  scopeSeparator: ' ',
  pkce: false,
  tokenEndpointAuth: 'client_secret_post',
  selection: true,
};

export interface LinkedInPlatformOptions {
  /** `LinkedIn-Version` header (YYYYMM) for the `/rest` APIs. */
  linkedinVersion?: string;
  timeoutMs?: number;
}

/** LinkedIn, ready for OAuthFlows: the personal profile and administered company pages. */
export function linkedinOAuthPlatform(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: LinkedInPlatformOptions = {},
): OAuthPlatform {
  return {
    definition: definePlatform(LINKEDIN_OAUTH, settings),
    identityClient: new LinkedInIdentityClient({ apiUrl: settings.apiUrl, ...options }),
  };
}
