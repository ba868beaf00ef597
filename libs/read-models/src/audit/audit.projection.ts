import {
  connectionsTouchedBy,
  isWorkspaceEvent,
  projectOrPark,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { Platform } from '@ledger/domain';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { shownActor } from '@ledger/event-store/shown-actor';
import type { FeedProjectionOptions } from '../feed-projection-options';
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
 * Brings the audit trail up to the end of the event store's ordered feed, page by page from
 * its checkpoint. The API calls it before answering (so the trail is complete at read time)
 * and may also run it on a timer; several callers at once are harmless (inserts keyed by
 * event id). Calls in one process share a single run.
 */
export class AuditProjection {
  private running: Promise<string | null> | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly store: AuditStore,
    private readonly options: FeedProjectionOptions = {},
  ) {}

  private get name(): string {
    return this.options.projection ?? AUDIT_PROJECTION;
  }

  /** Applies the feed from the checkpoint to its end; returns the position reached. */
  catchUp(): Promise<string | null> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Drops the feed's entries and replays the whole feed. */
  async rebuild(): Promise<string | null> {
    await this.running?.catch(() => undefined);
    await this.store.reset(this.name);
    return this.catchUp();
  }

  private async run(): Promise<string | null> {
    const batchSize = this.options.batchSize ?? 500;
    let position = await this.store.getCheckpoint(this.name);
    for (;;) {
      const page = await this.events.readAll({ after: position, maxCount: batchSize });
      if (page.length === 0) break;
      const last = page[page.length - 1].position;
      const entries = page.flatMap((event) =>
        projectOrPark(event, this.name, projectAuditEvent, this.options.onParked),
      );
      await this.store.apply(entries, {
        projection: this.name,
        position: last,
      });
      position = last;
      if (page.length < batchSize) break;
    }
    return position;
  }
}
