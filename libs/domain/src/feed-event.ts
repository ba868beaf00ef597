import { isPlan } from './plan';
import { isPlatform } from './platform';
import type { WorkspaceEventType } from './events';

/**
 * What every consumer of the global feed (projections, webhooks) needs to know before it reads
 * an event: whether the event has the shape its type promises. A consumer that throws on a
 * malformed event retries it for ever and stalls the feed for every tenant, so a malformed
 * event is parked instead: logged with where it is and why, and skipped (projectOrPark).
 */
export interface FeedEvent {
  id: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  data: unknown;
}

type Check = (value: unknown) => boolean;

const id: Check = (v) => typeof v === 'string' && v !== '';
const text: Check = (v) => typeof v === 'string';
const optionalId: Check = (v) => v === undefined || v === null || id(v);
const optionalText: Check = (v) => v === undefined || v === null || text(v);
const instant: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const list: Check = (v) => Array.isArray(v);

/** What each type's data must hold, besides `workspaceId` (the stream's) and `at`. */
const WORKSPACE_SHAPES: Record<WorkspaceEventType, Record<string, Check>> = {
  WorkspacePlanChanged: { plan: isPlan },
  ConnectionConnected: {
    connectionId: id,
    platform: isPlatform,
    accountId: id,
    accountName: text,
    accountType: text,
    tokenExpiresAt: optionalText,
    linkedConnectionId: optionalId,
  },
  MainAccountSet: { connectionId: id, platform: isPlatform, previousMainConnectionId: optionalId },
  ConnectionReconnected: {
    connectionId: id,
    platform: isPlatform,
    accountName: text,
    tokenExpiresAt: optionalText,
  },
  ConnectionTokensRefreshed: {
    connectionId: id,
    platform: isPlatform,
    tokenExpiresAt: optionalText,
  },
  ConnectionExpired: { connectionId: id, platform: isPlatform, reason: text },
  ConnectionErrored: { connectionId: id, platform: isPlatform, reason: text },
  ConnectionRestored: { connectionId: id, platform: isPlatform },
  ConnectionRenamed: { connectionId: id, platform: isPlatform, accountName: text },
  ConnectionDisconnected: {
    connectionId: id,
    platform: isPlatform,
    accountId: id,
    causedByConnectionId: optionalId,
  },
  CampaignCreated: { campaignId: id, name: text, targets: list },
  CampaignFlagged: { campaignId: id, connectionId: id },
  PostScheduled: {
    postId: id,
    connectionId: id,
    platform: isPlatform,
    content: text,
    publishAt: instant,
    campaignId: optionalId,
  },
  PostPublished: { postId: id },
  PostFailed: { postId: id },
};

const CLAIM_SHAPE: Record<string, Check> = {
  connectionId: id,
  platform: isPlatform,
  accountId: id,
};

/** Per stream category: the shapes of its types. A type not listed there is malformed. */
const CATEGORIES: { prefix: string; shapes: Record<string, Record<string, Check>> }[] = [
  { prefix: 'workspace-', shapes: WORKSPACE_SHAPES },
  { prefix: 'account-', shapes: { AccountClaimed: CLAIM_SHAPE, AccountReleased: CLAIM_SHAPE } },
];

/**
 * Why an event is malformed, or null when it is well-formed. Events of streams this service
 * does not write are well-formed as long as their data is an object: consumers ignore them.
 */
export function malformedEventReason(event: Omit<FeedEvent, 'id' | 'position'>): string | null {
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return 'its data is not an object';
  }
  const category = CATEGORIES.find((c) => event.streamId.startsWith(c.prefix));
  if (!category) return null;
  const shape = Object.hasOwn(category.shapes, event.type) ? category.shapes[event.type] : null;
  if (!shape) return `${event.type} is not a known event type of ${category.prefix}* streams`;
  const fields = data as Record<string, unknown>;
  if (!id(fields.workspaceId)) return 'it has no workspaceId';
  if (category.prefix === 'workspace-' && event.streamId !== `workspace-${fields.workspaceId}`) {
    return `its workspaceId is not its stream's (${event.streamId})`;
  }
  if (!instant(fields.at)) return 'it has no instant (at)';
  for (const field in shape) {
    if (!shape[field](fields[field])) return `its ${field} is missing or malformed`;
  }
  return null;
}

/** A skipped event, as a consumer reports it. */
export interface ParkedEvent {
  consumer: string;
  streamId: string;
  revision: number;
  position: string;
  eventId: string;
  type: string;
  reason: string;
}

export type ParkedEventSink = (parked: ParkedEvent) => void;

/** One warning line per parked event; grep the logs for `parked event`. */
export const logParkedEvent: ParkedEventSink = (parked) => {
  console.warn(`parked event ${JSON.stringify(parked)}`);
};

/**
 * The consumer's output for one feed event, or nothing when the event is parked: malformed
 * (malformedEventReason) or one `project` cannot read (it threw). Either way the event is
 * reported to `park` and the consumer goes on with the next one.
 */
export function projectOrPark<E extends FeedEvent, T>(
  event: E,
  consumer: string,
  project: (event: E) => T[],
  park: ParkedEventSink = logParkedEvent,
): T[] {
  let reason = malformedEventReason(event);
  if (reason === null) {
    try {
      return project(event);
    } catch (error) {
      reason = `the ${consumer} consumer could not read it: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  park({
    consumer,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    eventId: event.id,
    type: event.type,
    reason,
  });
  return [];
}
