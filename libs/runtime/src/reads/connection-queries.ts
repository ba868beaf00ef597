import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@ledger/commands';
import {
  evolve,
  initialWorkspaceState,
  isWorkspaceEvent,
  workspaceStream,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import type { ConnectionFilter, WorkspaceReadModel, ConnectionView } from '@ledger/read-models';
import { CLOCK, WORKSPACE_READ_MODEL, EVENT_STORE } from '../storage/injection-tokens';
import { responseOf, viewOf, type ConnectionResponse } from './connection-views';
import { parseDuration } from './expiring-within';

/** What GET /connections filters by (the API's ListConnectionsQuery validates it first). */
export interface ListConnectionsQuery {
  platform?: ConnectionFilter['platform'];
  status?: ConnectionFilter['status'];
  expiringWithin?: string;
  asOf?: string;
}

@Injectable()
export class ConnectionQueries {
  constructor(
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(workspaceId: string, query: ListConnectionsQuery): Promise<ConnectionResponse[]> {
    const filter: ConnectionFilter = { platform: query.platform, status: query.status };
    if (query.expiringWithin) {
      const window = parseDuration(query.expiringWithin) ?? 0;
      filter.tokenExpiresBefore = new Date(this.clock.now().getTime() + window).toISOString();
    }
    const connections = query.asOf
      ? await this.asOf(workspaceId, query.asOf)
      : await this.readModel.listConnections(workspaceId, filter);
    return (query.asOf ? connections.filter((c) => matches(c, filter)) : connections).map(
      responseOf,
    );
  }

  /** The workspace's connections as they stood at `instant`, folded from its events. */
  async asOf(workspaceId: string, instant: string): Promise<ConnectionView[]> {
    const until = Date.parse(instant);
    let state = initialWorkspaceState;
    for await (const recorded of this.store.readStream<WorkspaceEvent>(
      workspaceStream(workspaceId),
    )) {
      if (!isWorkspaceEvent(recorded)) continue;
      const event = recorded;
      if (Date.parse(event.data.at) > until) break;
      state = evolve(state, event);
    }
    return Object.values(state.connections)
      .map((c) => viewOf(workspaceId, c))
      .sort((a, b) => a.connectedAt.localeCompare(b.connectedAt) || a.id.localeCompare(b.id));
  }
}

function matches(c: ConnectionView, filter: ConnectionFilter): boolean {
  if (filter.platform && c.platform !== filter.platform) return false;
  if (filter.status && c.status !== filter.status) return false;
  if (filter.tokenExpiresBefore) {
    return c.tokenExpiresAt !== null && c.tokenExpiresAt < filter.tokenExpiresBefore;
  }
  return true;
}
