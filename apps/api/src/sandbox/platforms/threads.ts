import { THREADS_OAUTH } from '@ledger/platforms';
import { ok, type SandboxPlatform } from '../sandbox-platform';
import { SANDBOX_INSTAGRAM_ACCOUNT } from './instagram';
import { authenticate, exchangeForLongLived, isAnswer, unknownGraphPath } from './meta';

/** The Threads profile of the sandbox Instagram account (same username, so they link). */
export const SANDBOX_THREADS_PROFILE = {
  id: '26000000000000001',
  username: SANDBOX_INSTAGRAM_ACCOUNT.username,
  name: 'Sandbox Studio',
};

/** Threads API: the code answer `{access_token, user_id}`, `GET /access_token` (th_exchange_token), `GET /me`. */
export const sandboxThreads: SandboxPlatform = {
  label: 'Threads',
  traits: THREADS_OAUTH,
  accessTokenTtl: 3600,
  refreshTokenTtl: null,
  accounts: [
    `${SANDBOX_THREADS_PROFILE.username} (Threads profile of the sandbox Instagram account)`,
  ],
  tokenAnswer: (grant) => ({
    access_token: grant.accessToken,
    user_id: SANDBOX_THREADS_PROFILE.id,
  }),
  api(request) {
    if (request.path === 'access_token') {
      return exchangeForLongLived(request, 'th_exchange_token', 'access_token', false);
    }
    const granted = authenticate(request);
    if (isAnswer(granted)) return granted;
    if (request.path !== 'me') return unknownGraphPath(request.path);
    return ok(SANDBOX_THREADS_PROFILE);
  },
};
