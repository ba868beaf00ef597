import type { PlatformOAuthTraits } from '../platform-definition';

/**
 * X OAuth 2.0: authorization code with PKCE (S256); `offline.access` is what makes X
 * issue a refresh token; `tweet.read` + `users.read` are needed for `GET /2/users/me`,
 * `tweet.write` for publishing. Confidential clients use HTTP Basic at the token endpoint.
 */
export const X_OAUTH: PlatformOAuthTraits = {
  platform: 'x',
  scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access'],
  scopeSeparator: ' ',
  pkce: true,
  tokenEndpointAuth: 'client_secret_basic',
  selection: false,
};
