import type { Actor } from './event-store.port';

/**
 * Who acted, as the audit trail and history show it. Events the service wrote before the
 * reason had its own field kept it in `userAgent` (docs/decisions/0018): they are shown with it
 * as the reason, and stay stored as written (the hash chain covers the stored metadata).
 */
export function shownActor(actor: Actor): Actor & { reason: string | null } {
  if (typeof actor.reason === 'string') return { ...actor, reason: actor.reason };
  if (actor.userId === 'system' && actor.role === 'system' && actor.userAgent !== null) {
    return { ...actor, userAgent: null, reason: actor.userAgent };
  }
  return { ...actor, reason: null };
}
