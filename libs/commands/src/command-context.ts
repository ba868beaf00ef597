import { randomUUID } from 'node:crypto';
import type { Actor } from '@ledger/event-store';

/** Who runs a command and why, recorded in every event's metadata. */
export interface CommandContext {
  /** Stable across retries of the same request (from Idempotency-Key), else random. */
  commandId: string;
  actor: Actor;
  correlationId: string;
  causationId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'system', ip: null, userAgent: null };

/** A command the service runs itself; `reason` (e.g. 'token refresh') is what the trail shows. */
export function systemContext(reason: string, causationId: string | null = null): CommandContext {
  const id = randomUUID();
  return {
    commandId: id,
    actor: { ...SYSTEM_ACTOR, reason },
    correlationId: id,
    causationId,
  };
}
