import { X_OAUTH } from '@ledger/platforms';
import { bearerToken, ok, type SandboxPlatform } from '../sandbox-platform';

/** One X Premium account (`verified_type: blue`). */
export const SANDBOX_X_USER = {
  id: '1790000000000000001',
  name: 'Sandbox Studio',
  username: 'SandboxStudio',
  verified_type: 'blue',
};

/** X API v2: `GET /2/users/me`; token answer with a rotating refresh token (offline.access). */
export const sandboxX: SandboxPlatform = {
  label: 'X',
  traits: X_OAUTH,
  accessTokenTtl: 7200,
  refreshTokenTtl: 180 * 24 * 3600,
  accounts: [`@${SANDBOX_X_USER.username} (X Premium)`],
  tokenAnswer: (grant) => ({
    token_type: 'bearer',
    expires_in: grant.expiresIn,
    access_token: grant.accessToken,
    scope: grant.scope.join(' '),
    ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
  }),
  api(request) {
    if (request.path !== '2/users/me') {
      return { status: 404, body: { title: 'Not Found Error', status: 404 } };
    }
    if (!request.grantOf(bearerToken(request.headers))) {
      return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401 } };
    }
    return ok({ data: SANDBOX_X_USER });
  },
};
