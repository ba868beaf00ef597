import { Inject, Injectable } from '@nestjs/common';
import {
  connectionsTouchedBy,
  DomainError,
  isWorkspaceEvent,
  workspaceStream,
  type WorkspaceEvent,
} from '@ledger/domain';
import { shownActor, type Actor, type EventStore } from '@ledger/event-store';
import { EVENT_STORE } from '../storage/injection-tokens';

export interface HistoryEntry {
  eventId: string;
  revision: number;
  type: string;
  at: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  data: Record<string, unknown>;
}

/** Every event that touched one connection, disconnected ones included, oldest first. */
@Injectable()
export class ConnectionHistoryQuery {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async forConnection(workspaceId: string, connectionId: string): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const recorded of this.store.readStream<WorkspaceEvent>(
      workspaceStream(workspaceId),
    )) {
      if (!isWorkspaceEvent(recorded)) continue;
      const event = recorded;
      if (!connectionsTouchedBy(event).includes(connectionId)) continue;
      entries.push({
        eventId: recorded.id,
        revision: recorded.revision,
        type: recorded.type,
        at: event.data.at,
        recordedAt: recorded.recordedAt.toISOString(),
        actor: shownActor(recorded.metadata.actor),
        correlationId: recorded.metadata.correlationId,
        causationId: recorded.metadata.causationId,
        data: recorded.data,
      });
    }
    if (entries.length === 0) {
      throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
        connectionId,
      });
    }
    return entries;
  }
}
