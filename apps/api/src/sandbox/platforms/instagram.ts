import { INSTAGRAM_OAUTH } from '@ledger/platforms';
import { ok, type SandboxPlatform } from '../sandbox-platform';
import { authenticate, exchangeForLongLived, isAnswer, unknownGraphPath } from './meta';

/** One Instagram Business account; the sandbox Threads profile shares its username. */
export const SANDBOX_INSTAGRAM_ACCOUNT = {
  id: '9100000000000001',
  user_id: '17841400000000001',
  username: 'sandbox.studio',
  account_type: 'BUSINESS',
  name: 'Sandbox Studio',
};

/**
 * Business Login for Instagram: the code answer `{access_token, user_id, permissions}`,
 * `GET /access_token` (ig_exchange_token) and `GET /me`.
 */
export const sandboxInstagram: SandboxPlatform = {
  label: 'Instagram',
  traits: INSTAGRAM_OAUTH,
  accessTokenTtl: 3600,
  refreshTokenTtl: null,
  accounts: [`${SANDBOX_INSTAGRAM_ACCOUNT.username} (Instagram Business)`],
  tokenAnswer: (grant) => ({
    access_token: grant.accessToken,
    user_id: SANDBOX_INSTAGRAM_ACCOUNT.user_id,
    permissions: grant.scope.join(','),
  }),
  api(request) {
    if (request.path === 'access_token') {
      return exchangeForLongLived(request, 'ig_exchange_token', 'access_token', false);
    }
    const granted = authenticate(request);
    if (isAnswer(granted)) return granted;
    if (request.path !== 'me') return unknownGraphPath(request.path);
    return ok(SANDBOX_INSTAGRAM_ACCOUNT);
  },
};
