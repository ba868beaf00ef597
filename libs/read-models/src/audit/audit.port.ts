import type { Platform } from '@ledger/domain';

/**
 * The audit trail of a workspace: one entry per event of the feed (keyed by the event id) and
 * one per refused attempt the API recorded (plan limit, rate limit, already connected
 * elsewhere, forbidden). Entries are immutable once written, so every write is an insert keyed
 * by id: a replay or a second writer is a harmless duplicate.
 */
export interface AuditActor {
  userId: string;
  role: string;
  ip: string | null;
  userAgent: string | null;
  /** Why the service acted, for its own actions (see shownActor in @ledger/event-store). */
  reason: string | null;
}

export interface AuditEntry {
  /** The event id, or a random id for a refused attempt. */
  id: string;
  workspaceId: string;
  /** `event`: something that happened; `refused`: an attempt the service turned down. */
  kind: 'event' | 'refused';
  /** The event type (e.g. `ConnectionConnected`), or the problem code of a refusal. */
  type: string;
  /** When it happened (ISO 8601, milliseconds, UTC). */
  at: string;
  actor: AuditActor;
  correlationId: string | null;
  /** The connection it concerns first, if any. */
  connectionId: string | null;
  /** Every connection it concerns (e.g. a breach response's). */
  connectionIds: string[];
  platform: Platform | null;
  /** What else is worth keeping: the event's data, or the refusal's HTTP details. Never a secret. */
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  connectionId?: string;
  platform?: string;
  type?: string;
  /** Inclusive lower bound on `at` (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on `at` (ISO 8601). */
  to?: string;
}

export interface AuditPageRequest {
  /** Position after which to continue (from the previous page's `nextCursor`). */
  after?: AuditCursor | null;
  limit: number;
}

/** Entries are ordered by (`at`, `id`); a cursor is the last entry's pair. */
export interface AuditCursor {
  at: string;
  id: string;
}

export interface AuditStore {
  /** Inserts entries derived from the feed and moves the checkpoint forward (never back). */
  apply(entries: AuditEntry[], checkpoint: { projection: string; position: string }): Promise<void>;
  /** Inserts entries written outside the feed (refused attempts); a known id is a no-op. */
  record(entry: AuditEntry): Promise<void>;
  getCheckpoint(projection: string): Promise<string | null>;
  /** Drops the feed's entries and the checkpoint for a rebuild; refused attempts stay. */
  reset(projection: string): Promise<void>;
  /** One page of a workspace's entries in (`at`, `id`) order, after the cursor. */
  list(workspaceId: string, filter: AuditFilter, page: AuditPageRequest): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

/** The cursor after `entry`, as an opaque string. */
export function encodeAuditCursor(entry: AuditCursor): string {
  return Buffer.from(JSON.stringify([entry.at, entry.id]), 'utf8').toString('base64url');
}

/** The cursor an opaque string names, or null when it is not one of ours. */
export function decodeAuditCursor(cursor: string): AuditCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // falls through
  }
  return null;
}

/** A normalised instant (`toISOString`), so that string order is time order. */
export function auditInstant(value: unknown, fallback: Date): string {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return new Date(Number.isNaN(parsed) ? fallback.getTime() : parsed).toISOString();
}
