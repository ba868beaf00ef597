import { IdentityHealthProbe } from '../health/identity-health-probe';
import type { PlatformIntegration } from '../platform';
import { isConfigured } from '../platform-config';
import { MediaRequiredPublisher } from '../publish/post-publisher';
import { TIKTOK_TEXT_ONLY_REASON } from '../publish/text-only-reasons';
import { unconfiguredRevoker } from '../revoke/token-revoker';
import { parseRestrictedRegions, TIKTOK_OAUTH, tiktokOAuthPlatform } from './tiktok-platform';
import { tiktokTokenRefresher } from './tiktok-refresh';
import { tiktokTokenRevoker } from './tiktok-revoke';

/**
 * TikTok (Login Kit, API for Business for the account type): restricted regions refused at
 * connect, revocation ends the whole authorization, media-only posts.
 */
export const tiktokPlatform: PlatformIntegration = {
  id: 'tiktok',
  oauthTraits: TIKTOK_OAUTH,
  revokesWholeGrant: true,
  oauth: (settings, { env, timeoutMs }) =>
    tiktokOAuthPlatform(settings, {
      restrictedRegions: parseRestrictedRegions(env.TIKTOK_RESTRICTED_REGIONS ?? ''),
      businessApiUrl: env.TIKTOK_BUSINESS_API_URL,
      timeoutMs,
    }),
  refresh: (settings, { timeoutMs }) => tiktokTokenRefresher(settings, { timeoutMs }),
  revoke: (settings, { timeoutMs }) =>
    isConfigured(settings)
      ? tiktokTokenRevoker(settings, { timeoutMs })
      : unconfiguredRevoker('tiktok'),
  publish: () => new MediaRequiredPublisher('tiktok', TIKTOK_TEXT_ONLY_REASON),
  health: (_settings, oauth) => new IdentityHealthProbe(oauth.identityClient),
};
