import { IdentityHealthProbe } from '../health/identity-health-probe';
import type { PlatformIntegration } from '../platform';
import { notOfferedRevoker } from '../revoke/token-revoker';
import { THREADS_OAUTH, threadsOAuthPlatform } from './threads-platform';
import { ThreadsPostPublisher } from './threads-publish';
import { threadsTokenRefresher } from './threads-refresh';

const NOT_OFFERED =
  'Threads documents no token revocation endpoint: the user removes the app in their Threads settings.';

/** Threads (Threads Graph API): one profile per login, no revocation, text posts. */
export const threadsPlatform: PlatformIntegration = {
  id: 'threads',
  oauthTraits: THREADS_OAUTH,
  revokesWholeGrant: false,
  oauth: (settings, { timeoutMs }) => threadsOAuthPlatform(settings, { timeoutMs }),
  refresh: (settings, { timeoutMs }) => threadsTokenRefresher(settings, { timeoutMs }),
  revoke: () => notOfferedRevoker('threads', NOT_OFFERED),
  publish: (settings, { timeoutMs }) =>
    new ThreadsPostPublisher({ apiUrl: settings.apiUrl, timeoutMs }),
  health: (_settings, oauth) => new IdentityHealthProbe(oauth.identityClient),
};
