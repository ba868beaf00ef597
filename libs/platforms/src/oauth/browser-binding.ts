import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Platform } from '@ledger/domain';
import { OAuthFlowNotBoundError } from '../errors';
import type { PendingAuthorization } from './pending-authorization';

/**
 * Who is completing a flow at the callback, as the HTTP edge saw it. A platform redirect
 * carries the browser's cookies but never our bearer token; a front end relaying the callback
 * may add its bearer instead.
 */
export interface OAuthCaller {
  /** The value of this flow's binding cookie, when the browser sent one. */
  browserBinding?: string | null;
  /** Present when the callback carried a bearer token: its verified user, null when invalid. */
  bearer?: { userId: string | null };
}

/** 256 random bits for the starting browser's cookie; only its hash is stored. */
export function newBrowserBinding(): { nonce: string; hash: string } {
  const nonce = randomBytes(32).toString('base64url');
  return { nonce, hash: hashBrowserBinding(nonce) };
}

export function hashBrowserBinding(nonce: string): string {
  return createHash('sha256').update(nonce).digest('base64url');
}

/**
 * Refuses a callback that is neither the starting browser (its binding cookie) nor the
 * starter's bearer: otherwise an attacker's authorization URL, opened by a victim, would
 * connect the victim's account to the attacker's workspace. A bearer of anyone else is refused
 * even with the cookie.
 */
export function refuseUnboundCaller(
  platform: Platform,
  pending: PendingAuthorization,
  caller: OAuthCaller,
): void {
  const refuse = (reason: 'another_user' | 'another_browser') =>
    new OAuthFlowNotBoundError(platform, reason, pending.intent.returnTo);
  if (caller.bearer) {
    if (caller.bearer.userId !== pending.userId) throw refuse('another_user');
    return;
  }
  const nonce = caller.browserBinding;
  if (!nonce || !pending.browserBindingHash) throw refuse('another_browser');
  const expected = Buffer.from(pending.browserBindingHash);
  const actual = Buffer.from(hashBrowserBinding(nonce));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw refuse('another_browser');
  }
}
