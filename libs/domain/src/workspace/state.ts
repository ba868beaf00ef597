import type { CopiedFrom, WorkspaceEvent } from '../events';
import type { CampaignTarget } from '../publishing-events';
import { connectionsTouchedBy } from '../events';
import { DEFAULT_PLAN, type Plan } from '../plan';
import type { Platform } from '../platform';
import { copyIdMap, emptyIdMap, type IdMap } from '../id-map';

export type ConnectionStatus = 'active' | 'error' | 'expired';

export interface ConnectionState {
  id: string;
  platform: Platform;
  accountId: string;
  accountName: string;
  accountType: string;
  status: ConnectionStatus;
  statusReason: string | null;
  isMain: boolean;
  connectedAt: string;
  tokenExpiresAt: string | null;
  copiedFrom: CopiedFrom | null;
  /** The connection this one depends on (Threads: its Instagram connection). */
  linkedConnectionId: string | null;
  scopes: string[];
  /** Number of events that touched this connection (what `If-Match` is checked against). */
  version: number;
}

/** A post waiting for its publish time. */
export interface PendingPost {
  id: string;
  connectionId: string;
  platform: Platform;
  publishAt: string;
  campaignId: string | null;
}

export interface CampaignState {
  id: string;
  name: string;
  targets: CampaignTarget[];
}

/**
 * A workspace as its decider sees it: its plan, the connections still connected, the posts
 * still pending and its campaigns.
 */
export interface WorkspaceState {
  plan: Plan;
  connections: IdMap<ConnectionState>;
  pendingPosts: IdMap<PendingPost>;
  campaigns: IdMap<CampaignState>;
}

export const initialWorkspaceState: WorkspaceState = Object.freeze({
  plan: DEFAULT_PLAN,
  connections: emptyIdMap<ConnectionState>(),
  pendingPosts: emptyIdMap<PendingPost>(),
  campaigns: emptyIdMap<CampaignState>(),
});

export function evolve(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  const next = apply(state, event);
  return bumpVersions(state, next, connectionsTouchedBy(event));
}

function apply(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  switch (event.type) {
    case 'WorkspacePlanChanged':
      return { ...state, plan: event.data.plan };
    case 'ConnectionConnected': {
      const d = event.data;
      return withConnection(state, {
        id: d.connectionId,
        platform: d.platform,
        accountId: d.accountId,
        accountName: d.accountName,
        accountType: d.accountType,
        status: 'active',
        statusReason: null,
        isMain: false,
        connectedAt: d.at,
        tokenExpiresAt: d.tokenExpiresAt,
        copiedFrom: d.copiedFrom,
        linkedConnectionId: d.linkedConnectionId ?? null,
        scopes: d.scopes,
        version: 0,
      });
    }
    case 'MainAccountSet': {
      const { previousMainConnectionId, connectionId } = event.data;
      const demoted = previousMainConnectionId
        ? patch(state, previousMainConnectionId, { isMain: false })
        : state;
      return patch(demoted, connectionId, { isMain: true });
    }
    case 'ConnectionReconnected': {
      const d = event.data;
      return patch(state, d.connectionId, {
        status: 'active',
        statusReason: null,
        accountName: d.accountName,
        scopes: d.scopes,
        tokenExpiresAt: d.tokenExpiresAt,
      });
    }
    case 'ConnectionTokensRefreshed':
      return patch(state, event.data.connectionId, { tokenExpiresAt: event.data.tokenExpiresAt });
    case 'ConnectionExpired':
      return patch(state, event.data.connectionId, {
        status: 'expired',
        statusReason: event.data.reason,
      });
    case 'ConnectionErrored':
      return patch(state, event.data.connectionId, {
        status: 'error',
        statusReason: event.data.reason,
      });
    case 'ConnectionRestored':
      return patch(state, event.data.connectionId, { status: 'active', statusReason: null });
    case 'ConnectionRenamed':
      return patch(state, event.data.connectionId, { accountName: event.data.accountName });
    case 'ConnectionDisconnected': {
      const connections = copyIdMap(state.connections);
      delete connections[event.data.connectionId];
      return { ...state, connections };
    }
    case 'CampaignCreated': {
      const { campaignId: id, name, targets } = event.data;
      const campaigns = copyIdMap(state.campaigns);
      campaigns[id] = { id, name, targets };
      return { ...state, campaigns };
    }
    case 'CampaignFlagged':
      return state;
    case 'PostScheduled': {
      const d = event.data;
      const post: PendingPost = {
        id: d.postId,
        connectionId: d.connectionId,
        platform: d.platform,
        publishAt: d.publishAt,
        campaignId: d.campaignId,
      };
      const pendingPosts = copyIdMap(state.pendingPosts);
      pendingPosts[post.id] = post;
      return { ...state, pendingPosts };
    }
    case 'PostPublished':
    case 'PostFailed': {
      const pendingPosts = copyIdMap(state.pendingPosts);
      delete pendingPosts[event.data.postId];
      return { ...state, pendingPosts };
    }
  }
}

function withConnection(state: WorkspaceState, connection: ConnectionState): WorkspaceState {
  const connections = copyIdMap(state.connections);
  connections[connection.id] = connection;
  return { ...state, connections };
}

function patch(
  state: WorkspaceState,
  connectionId: string,
  changes: Partial<ConnectionState>,
): WorkspaceState {
  // The maps evolve builds have no prototype, so a plain read is own-only (and replay-fast).
  const current = state.connections[connectionId];
  if (!current) return state;
  return withConnection(state, { ...current, ...changes });
}

/**
 * Counts the event on each connection it touched. Replay folds millions of events, so what
 * `apply` has just copied (and nobody else holds yet) is updated in place instead of copied
 * again; anything shared with `before` is copied, never changed.
 */
function bumpVersions(
  before: WorkspaceState,
  next: WorkspaceState,
  connectionIds: string[],
): WorkspaceState {
  const freshMap = next.connections !== before.connections;
  let connections: Record<string, ConnectionState> | null = freshMap
    ? (next.connections as Record<string, ConnectionState>)
    : null;
  for (const id of connectionIds) {
    const current = next.connections[id];
    if (!current) continue;
    if (freshMap && current !== before.connections[id]) {
      current.version += 1; // made by this evolve, not yet seen by anyone
      continue;
    }
    connections ??= copyIdMap(next.connections);
    connections[id] = { ...current, version: current.version + 1 };
  }
  return connections === null || connections === next.connections ? next : { ...next, connections };
}

/** Folds a workspace's events, oldest first. */
export function foldWorkspace(events: Iterable<WorkspaceEvent>): WorkspaceState {
  let state = initialWorkspaceState;
  for (const event of events) state = evolve(state, event);
  return state;
}

export function connectionsOn(state: WorkspaceState, platform: Platform): ConnectionState[] {
  return Object.values(state.connections).filter((c) => c.platform === platform);
}

export function mainConnectionOn(
  state: WorkspaceState,
  platform: Platform,
): ConnectionState | undefined {
  return connectionsOn(state, platform).find((c) => c.isMain);
}
