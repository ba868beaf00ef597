import { IdentityHealthProbe } from '../health/identity-health-probe';
import { isConfigured } from '../platform-config';
import { definePlatform } from '../platform-definition';
import type { PlatformIntegration } from '../platform';
import { unconfiguredRevoker } from '../revoke/token-revoker';
import { XIdentityClient } from './x-identity-client';
import { X_OAUTH } from './x-platform';
import { XPostPublisher } from './x-publish';
import { xTokenRefresher } from './x-refresh';
import { xTokenRevoker } from './x-revoke';

/** X (API v2): OAuth 2.0 with PKCE, rotating refresh tokens, revocation, text posts. */
export const xPlatform: PlatformIntegration = {
  id: 'x',
  oauthTraits: X_OAUTH,
  revokesWholeGrant: false,
  oauth: (settings, { timeoutMs }) => ({
    definition: definePlatform(X_OAUTH, settings),
    identityClient: new XIdentityClient({ apiUrl: settings.apiUrl, timeoutMs }),
  }),
  refresh: (settings, { timeoutMs }) => xTokenRefresher(settings, { timeoutMs }),
  revoke: (settings, { timeoutMs }) =>
    isConfigured(settings) ? xTokenRevoker(settings, { timeoutMs }) : unconfiguredRevoker('x'),
  publish: (settings, { timeoutMs }) => new XPostPublisher({ apiUrl: settings.apiUrl, timeoutMs }),
  health: (_settings, oauth) => new IdentityHealthProbe(oauth.identityClient),
};
