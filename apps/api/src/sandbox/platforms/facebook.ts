import { FACEBOOK_OAUTH } from '@ledger/platforms';
import { ok, type SandboxPlatform } from '../sandbox-platform';
import { authenticate, exchangeForLongLived, isAnswer, unknownGraphPath } from './meta';

const ADMIN = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];
const EDITOR = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT'];

/** Two Pages the user administers and one where they are only an Editor (not connectable). */
export const SANDBOX_FACEBOOK_PAGES = [
  { id: '610000000000001', name: 'Sandbox Bakery', category: 'Bakery', tasks: ADMIN },
  { id: '610000000000002', name: 'Sandbox Bookshop', category: 'Book Store', tasks: ADMIN },
  { id: '610000000000003', name: 'Sandbox Fan Club', category: 'Community', tasks: EDITOR },
];

/**
 * Graph API for Facebook Login: the short-lived token answer, `GET /oauth/access_token`
 * (fb_exchange_token), `GET /me/permissions` and `GET /me/accounts` with each Page's tasks and
 * its own Page token (issued fresh, never expiring, like Page tokens from a long-lived user token).
 */
export const sandboxFacebook: SandboxPlatform = {
  label: 'Facebook',
  traits: FACEBOOK_OAUTH,
  accessTokenTtl: 3600,
  refreshTokenTtl: null,
  accounts: SANDBOX_FACEBOOK_PAGES.map(
    (page) => `${page.name} (Page, you are ${page.tasks.includes('MANAGE') ? 'Admin' : 'Editor'})`,
  ),
  tokenAnswer: (grant) => ({
    access_token: grant.accessToken,
    token_type: 'bearer',
    expires_in: grant.expiresIn,
  }),
  api(request) {
    if (request.path === 'oauth/access_token') {
      return exchangeForLongLived(request, 'fb_exchange_token', 'fb_exchange_token', true);
    }
    const granted = authenticate(request);
    if (isAnswer(granted)) return granted;
    switch (request.path) {
      case 'me/permissions':
        return ok({
          data: [...granted.scope, 'public_profile'].map((permission) => ({
            permission,
            status: 'granted',
          })),
        });
      case 'me/accounts':
        return ok({
          data: SANDBOX_FACEBOOK_PAGES.map((page) => ({
            ...page,
            access_token: request.issue(granted.scope, null),
          })),
          paging: { cursors: { before: 'MA', after: 'Mw' } },
        });
      default:
        return unknownGraphPath(request.path);
    }
  },
};
