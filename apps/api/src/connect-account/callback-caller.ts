import type { AppConfig } from '../config/app-config';
import { verifyAccessToken } from '../http/auth/access-claims';
import type { LedgerRequest } from '../http/ledger-request';
import { ProblemException } from '../http/problem';

/**
 * The callback is a browser redirect, so it needs no bearer token: the single-use state names
 * the user. A front end that relays the callback with its own bearer token gets one more
 * defence against a flow started by someone else (login CSRF): the token must be that user's.
 */
export function refuseIfAnotherUser(
  request: LedgerRequest,
  config: AppConfig,
  startedBy: string,
): void {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  let userId: string | null = null;
  try {
    userId = match ? verifyAccessToken(match[1], config).userId : null;
  } catch {
    userId = null;
  }
  if (userId === startedBy) return;
  throw new ProblemException({
    status: 403,
    code: 'FORBIDDEN',
    title: 'Forbidden',
    detail: 'This authorization was started by another user: start connecting again yourself.',
  });
}
