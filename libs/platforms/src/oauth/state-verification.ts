import type { Platform } from '@ledger/domain';
import { OAuthStateError } from '../errors';
import type { PendingAuthorization, PendingAuthorizationStore } from './pending-authorization';

/**
 * Consumes the pending authorization a callback's `state` names. Refuses a missing,
 * unknown, replayed or expired state, and one issued for another platform: each
 * platform has its own redirect URI, so a state arriving at the wrong one is a mix-up
 * attack (RFC 9700 §4.4) and the flow is dead either way.
 */
export async function takePendingAuthorization(
  store: PendingAuthorizationStore,
  platform: Platform,
  state: unknown,
  now: Date,
): Promise<PendingAuthorization> {
  if (typeof state !== 'string' || state === '') throw new OAuthStateError(platform, 'missing');
  const pending = await store.take(state, now);
  if (!pending) throw new OAuthStateError(platform, 'unknown');
  if (pending.platform !== platform) throw new OAuthStateError(platform, 'platform_mismatch');
  return pending;
}
