import type { OAuthCaller } from '@ledger/platforms';
import type { AppConfig } from '@ledger/runtime';
import { verifyAccessToken } from '../http/auth/access-claims';
import type { LedgerRequest } from '../http/ledger-request';
import { readBindingCookie } from './browser-binding-cookie';

/**
 * Who is at the callback: the flow's binding cookie, and the user of a bearer token when a
 * front end relays the callback with one (null when that token is not valid). The platforms
 * library completes the flow only for the starting browser or the starter's bearer; a bearer
 * of anyone else is refused even with the cookie (login CSRF).
 */
export function callbackCaller(
  request: LedgerRequest,
  config: AppConfig,
  state: unknown,
): OAuthCaller {
  const browserBinding =
    typeof state === 'string' && state !== '' ? readBindingCookie(request, config, state) : null;
  const header = request.headers.authorization;
  if (typeof header !== 'string') return { browserBinding };
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  let userId: string | null = null;
  try {
    userId = match ? verifyAccessToken(match[1], config).userId : null;
  } catch {
    userId = null;
  }
  return { browserBinding, bearer: { userId } };
}
