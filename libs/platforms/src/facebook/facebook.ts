import { FacebookPageHealthProbe } from '../health/facebook-page-health-probe';
import type { PlatformIntegration } from '../platform';
import { FACEBOOK_OAUTH, facebookOAuthPlatform } from './facebook-platform';
import { FacebookPostPublisher } from './facebook-publish';
import { facebookTokenRefresher } from './facebook-refresh';
import { facebookTokenRevoker } from './facebook-revoke';

/**
 * Facebook (Graph API): each Page is a connection with its own Page token. Revoking
 * (`DELETE /me/permissions`) needs no client credentials but ends the whole authorization.
 * Health reads the Page itself.
 */
export const facebookPlatform: PlatformIntegration = {
  id: 'facebook',
  oauthTraits: FACEBOOK_OAUTH,
  revokesWholeGrant: true,
  oauth: (settings, { timeoutMs }) => facebookOAuthPlatform(settings, { timeoutMs }),
  refresh: (settings, { timeoutMs }) => facebookTokenRefresher(settings, { timeoutMs }),
  revoke: (settings, { timeoutMs }) => facebookTokenRevoker(settings, { timeoutMs }),
  publish: (settings, { timeoutMs }) =>
    new FacebookPostPublisher({ apiUrl: settings.apiUrl, timeoutMs }),
  health: (settings) => new FacebookPageHealthProbe({ apiUrl: settings.apiUrl }),
};
