import {
  connectionsTouchedBy,
  isWorkspaceEvent,
  workspaceStream,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { Actor, EventStore } from '@ledger/event-store';
import { shownActor } from '@ledger/event-store/shown-actor';
import type { RevocationStatus } from '@ledger/platforms';

export interface BreachConnectionCut {
  connectionId: string;
  platform: string;
  accountId: string;
  accountName: string;
  wasMain: boolean;
  /** Set when it left with another connection (Threads with its Instagram). */
  causedByConnectionId: string | null;
}

export interface BreachRevocation {
  connectionId: string;
  platform: string;
  status: RevocationStatus;
  detail: string | null;
}

export interface BreachAction {
  eventId: string;
  type: string;
  at: string;
  actor: Actor;
  correlationId: string;
}

export interface BreachPublishedPost {
  postId: string;
  platformPostId: string;
  content: string | null;
  publishedAt: string;
}

export interface BreachConnectionActivity {
  connectionId: string;
  platform: string | null;
  accountName: string | null;
  actions: BreachAction[];
  postsPublished: BreachPublishedPost[];
}

/** What the breach response did, and what happened through each connection in the window. */
export interface BreachReport {
  workspaceId: string;
  reason: string;
  startedAt: string;
  /** False on a repeat run: there was nothing left to cut. */
  anythingCut: boolean;
  summary: string;
  connectionsCut: BreachConnectionCut[];
  /**
   * Vault records shredded: one per connection that still held tokens, one or more per
   * cancelled selection, and any stray of the workspace. A record holds an access token and
   * maybe a refresh token, so this counts records, not tokens.
   */
  tokenRecordsDestroyed: number;
  /** The same count under its first, misleading name; kept for existing clients. */
  tokensDestroyed: number;
  revocations: BreachRevocation[];
  scheduledPostsFailed: number;
  campaignsFlagged: number;
  /** OAuth flows started in the workspace whose callback will now find nothing. */
  pendingAuthorizationsCancelled: number;
  /** Account selections awaiting a choice, dropped with their sealed tokens. */
  selectionsCancelled: number;
  /** The webhook was removed, so its signing secret signs nothing more. */
  webhookRemoved: boolean;
  window: { from: string; to: string };
  connections: BreachConnectionActivity[];
}

/**
 * Every action on each connection, and every post published through it, whose `at` lies in
 * [from, to], folded from the workspace stream: disconnected connections included.
 */
export async function activityInWindow(
  store: EventStore,
  workspaceId: string,
  window: { from: string; to: string },
): Promise<BreachConnectionActivity[]> {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const contentOf = new Map<string, string>();
  const byConnection = new Map<string, BreachConnectionActivity>();
  const activity = (connectionId: string): BreachConnectionActivity => {
    let entry = byConnection.get(connectionId);
    if (!entry) {
      entry = { connectionId, platform: null, accountName: null, actions: [], postsPublished: [] };
      byConnection.set(connectionId, entry);
    }
    return entry;
  };
  for await (const recorded of store.readStream<WorkspaceEvent>(workspaceStream(workspaceId))) {
    if (!isWorkspaceEvent(recorded)) continue;
    const event = recorded;
    const data: Record<string, unknown> = event.data;
    // Names are kept from any time, so a connection shows who it was even if it was connected
    // before the window.
    if (event.type === 'ConnectionConnected' || event.type === 'ConnectionReconnected') {
      const entry = activity(event.data.connectionId);
      entry.platform = event.data.platform;
      entry.accountName = event.data.accountName;
    } else if (event.type === 'ConnectionRenamed') {
      activity(event.data.connectionId).accountName = event.data.accountName;
    }
    if (event.type === 'PostScheduled') contentOf.set(event.data.postId, event.data.content);
    const at = Date.parse(event.data.at);
    if (!(at >= from && at <= to)) continue;
    const touched = new Set(connectionsTouchedBy(event));
    if (typeof data.connectionId === 'string') touched.add(data.connectionId);
    for (const connectionId of touched) {
      const entry = activity(connectionId);
      entry.actions.push({
        eventId: recorded.id,
        type: recorded.type,
        at: event.data.at,
        actor: shownActor(recorded.metadata.actor),
        correlationId: recorded.metadata.correlationId,
      });
      if (event.type === 'PostPublished') {
        entry.postsPublished.push({
          postId: event.data.postId,
          platformPostId: event.data.platformPostId,
          content: contentOf.get(event.data.postId) ?? null,
          publishedAt: event.data.at,
        });
      }
    }
  }
  return [...byConnection.values()].filter((c) => c.actions.length > 0);
}
