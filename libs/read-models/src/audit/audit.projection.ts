import { connectionsTouchedBy, isWorkspaceEvent, type WorkspaceEvent } from '@ledger/domain';
import type { Platform } from '@ledger/domain';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { shownActor } from '@ledger/event-store/shown-actor';
import { FeedProjection, type FeedProjectionOptions } from '../feed-projection';
import { auditInstant, type AuditEntry, type AuditStore } from './audit.port';

export const AUDIT_PROJECTION = 'audit';

/** Data fields never copied into an audit entry, whatever an event carries. */
const SECRET_FIELD = /token|secret|password|code_?verifier|authorization/i;

/** Maps one recorded event to its audit entry: every event that names a workspace. */
export function projectAuditEvent(event: RecordedEvent): AuditEntry[] {
  const data = event.data ?? {};
  const workspaceId = data.workspaceId;
  if (typeof workspaceId !== 'string' || workspaceId === '') return [];
  const touched = isWorkspaceEvent(event)
    ? connectionsTouchedBy(event as unknown as WorkspaceEvent)
    : [];
  const named = typeof data.connectionId === 'string' ? [data.connectionId] : [];
  const connectionIds = [...new Set([...named, ...touched])];
  const actor = event.metadata?.actor ? shownActor(event.metadata.actor) : undefined;
  return [
    {
      id: event.id,
      workspaceId,
      kind: 'event',
      type: event.type,
      at: auditInstant(data.at, event.recordedAt),
      actor: {
        userId: actor?.userId ?? 'unknown',
        role: actor?.role ?? 'unknown',
        ip: actor?.ip ?? null,
        userAgent: actor?.userAgent ?? null,
        reason: actor?.reason ?? null,
      },
      correlationId: event.metadata?.correlationId ?? null,
      connectionId: connectionIds[0] ?? null,
      connectionIds,
      platform: typeof data.platform === 'string' ? (data.platform as Platform) : null,
      details: withoutSecrets(data),
    },
  ];
}

function withoutSecrets(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !SECRET_FIELD.test(key)));
}

/**
 * Brings the audit trail up to the end of the event store's ordered feed. The API calls it
 * before answering (so the trail is complete at read time); several callers at once are
 * harmless (inserts keyed by event id), and calls in one process share a single run.
 */
export class AuditProjection extends FeedProjection<AuditEntry> {
  constructor(events: EventStore, store: AuditStore, options: FeedProjectionOptions = {}) {
    super(events, store, projectAuditEvent, {
      ...options,
      projection: options.projection ?? AUDIT_PROJECTION,
    });
  }
}
