import { PlatformConfigError, type PlatformSettings } from '../platform-config';
import {
  definePlatform,
  type OAuthPlatform,
  type PlatformOAuthTraits,
} from '../platform-definition';
import { TikTokIdentityClient, type TikTokRegionResolver } from './tiktok-identity-client';

/**
 * TikTok Login Kit for Web (OAuth v2): `https://www.tiktok.com/v2/auth/authorize/` and
 * `POST https://open.tiktokapis.com/v2/oauth/token/` (form body: client_key, client_secret,
 * code, grant_type, redirect_uri). TikTok calls the client id `client_key` in both places.
 * No PKCE: TikTok documents `code_verifier` as required "for mobile and desktop app only",
 * and a web client authenticates with its secret. Scopes are comma-separated:
 * `user.info.basic` (open_id, display name, avatar), `user.info.profile` (username,
 * is_verified), `user.account.type` (business or personal, from the API for Business),
 * `video.publish` (posting). The response carries `open_id`, `expires_in` and
 * `refresh_expires_in`; refresh tokens rotate.
 */
export const TIKTOK_OAUTH: PlatformOAuthTraits = {
  platform: 'tiktok',
  scopes: ['user.info.basic', 'user.info.profile', 'user.account.type', 'video.publish'],
  scopeSeparator: ',',
  pkce: false,
  tokenEndpointAuth: 'client_secret_post',
  selection: false,
  clientIdParameter: 'client_key',
};

export interface TikTokPlatformOptions {
  /** ISO 3166-1 alpha-2 codes refused at connect (see {@link parseRestrictedRegions}). */
  restrictedRegions?: readonly string[];
  /** Where an account's region comes from; none by default (TikTok's APIs do not say). */
  regionOf?: TikTokRegionResolver;
  /** TikTok API for Business base URL, default https://business-api.tiktok.com. */
  businessApiUrl?: string;
  timeoutMs?: number;
}

/** TikTok, ready for OAuthFlows: Login Kit traits with `client_key`, and the identity client. */
export function tiktokOAuthPlatform(
  settings: PlatformSettings & { clientId: string; clientSecret: string },
  options: TikTokPlatformOptions = {},
): OAuthPlatform {
  return {
    definition: definePlatform(TIKTOK_OAUTH, settings),
    identityClient: new TikTokIdentityClient({ apiUrl: settings.apiUrl, ...options }),
  };
}

/**
 * `TIKTOK_RESTRICTED_REGIONS`: comma-separated ISO 3166-1 alpha-2 codes, e.g. `IN,AF`.
 * Empty or absent: none. A malformed entry fails at startup, not at a user's connect.
 */
export function parseRestrictedRegions(value: string | undefined | null): string[] {
  const codes = (value ?? '')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  for (const code of codes) {
    if (!/^[A-Z]{2}$/.test(code)) {
      throw new PlatformConfigError(
        'TIKTOK_RESTRICTED_REGIONS must list ISO 3166-1 alpha-2 codes separated by commas',
      );
    }
  }
  return [...new Set(codes)];
}
