import { IdentityHealthProbe } from '../health/identity-health-probe';
import type { PlatformIntegration } from '../platform';
import { MediaRequiredPublisher } from '../publish/post-publisher';
import { INSTAGRAM_TEXT_ONLY_REASON } from '../publish/text-only-reasons';
import { notOfferedRevoker } from '../revoke/token-revoker';
import { INSTAGRAM_OAUTH, instagramOAuthPlatform } from './instagram-platform';
import { instagramTokenRefresher } from './instagram-refresh';

const NOT_OFFERED =
  'Instagram (Instagram Login) documents no token revocation endpoint: the user removes the app in their Instagram settings.';

/** Instagram (Instagram Login): one account per login, no revocation, media-only posts. */
export const instagramPlatform: PlatformIntegration = {
  id: 'instagram',
  oauthTraits: INSTAGRAM_OAUTH,
  revokesWholeGrant: false,
  oauth: (settings, { timeoutMs }) => instagramOAuthPlatform(settings, { timeoutMs }),
  refresh: (settings, { timeoutMs }) => instagramTokenRefresher(settings, { timeoutMs }),
  revoke: () => notOfferedRevoker('instagram', NOT_OFFERED),
  publish: () => new MediaRequiredPublisher('instagram', INSTAGRAM_TEXT_ONLY_REASON),
  health: (_settings, oauth) => new IdentityHealthProbe(oauth.identityClient),
};
