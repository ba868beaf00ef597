import { IdentityHealthProbe } from '../health/identity-health-probe';
import type { PlatformIntegration } from '../platform';
import { notOfferedRevoker } from '../revoke/token-revoker';
import { LINKEDIN_OAUTH, linkedinOAuthPlatform } from './linkedin-platform';
import { LinkedInPostPublisher } from './linkedin-publish';
import { linkedinTokenRefresher } from './linkedin-refresh';

const NOT_OFFERED =
  'LinkedIn offers no self-serve token revocation to most apps: the member removes the app under Settings > Data privacy > Permitted services.';

/** LinkedIn: the member's profile and the company pages they administer, chosen by the user. */
export const linkedinPlatform: PlatformIntegration = {
  id: 'linkedin',
  oauthTraits: LINKEDIN_OAUTH,
  revokesWholeGrant: false,
  oauth: (settings, { timeoutMs }) => linkedinOAuthPlatform(settings, { timeoutMs }),
  refresh: (settings, { timeoutMs }) => linkedinTokenRefresher(settings, { timeoutMs }),
  revoke: () => notOfferedRevoker('linkedin', NOT_OFFERED),
  publish: (settings, { timeoutMs }) =>
    new LinkedInPostPublisher({ apiUrl: settings.apiUrl, timeoutMs }),
  health: (_settings, oauth) => new IdentityHealthProbe(oauth.identityClient),
};
