import { isPlatform, type Platform } from '@ledger/domain';
import { nameBasedUuid, type RecordedEvent } from '@ledger/event-store';

/** The events a workspace can subscribe a webhook to. */
export const WEBHOOK_EVENT_TYPES = [
  'connection.expired',
  'connection.error',
  'connection.restored',
  'connection.disconnected',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** Which domain event becomes which webhook event; every other event sends nothing. */
const WEBHOOK_TYPE_OF: Readonly<Record<string, WebhookEventType>> = {
  ConnectionExpired: 'connection.expired',
  ConnectionErrored: 'connection.error',
  ConnectionRestored: 'connection.restored',
  ConnectionDisconnected: 'connection.disconnected',
};

/** Extra facts of `connection.disconnected`; the other types carry `{}`. */
export interface DisconnectedWebhookData {
  accountId: string;
  wasMain: boolean;
  /** Set when this disconnect follows from another's (Threads after its Instagram). */
  causedByConnectionId: string | null;
}

/**
 * The JSON body of one webhook request. Built from an allow-list of the event's fields: never
 * tokens, never the actor's IP or user agent, never anything a later event field might add.
 */
export interface WebhookPayload {
  /**
   * `whevt_<uuid>`, derived from the recorded event's id and the webhook type: the same event
   * always yields the same id, so receivers dedupe on it (it is also the `Webhook-Id` header).
   */
  id: string;
  type: WebhookEventType;
  workspaceId: string;
  connectionId: string;
  platform: Platform;
  reason: string;
  /** The instant the change was decided (the event's `at`), ISO 8601. */
  occurredAt: string;
  data: DisconnectedWebhookData | Record<string, never>;
}

/** The payload id of a recorded event turned into a webhook of `type`. */
export function webhookPayloadId(eventId: string, type: WebhookEventType): string {
  return `whevt_${nameBasedUuid(`webhook\u0000${eventId}\u0000${type}`)}`;
}

/**
 * The webhook payloads one recorded event gives rise to (none for most events). Pure: the same
 * event always maps to the same payloads, ids included. Throws on an event of a webhook type
 * whose data lacks a required field, rather than send a half-empty payload.
 */
export function webhookEventsFor(recorded: RecordedEvent): WebhookPayload[] {
  const type = Object.hasOwn(WEBHOOK_TYPE_OF, recorded.type)
    ? WEBHOOK_TYPE_OF[recorded.type]
    : null;
  if (!type) return [];
  const d = recorded.data;
  const payload: WebhookPayload = {
    id: webhookPayloadId(recorded.id, type),
    type,
    workspaceId: requiredString(recorded, 'workspaceId'),
    connectionId: requiredString(recorded, 'connectionId'),
    platform: requiredPlatform(recorded),
    reason: typeof d.reason === 'string' ? d.reason : '',
    occurredAt: occurredAt(recorded),
    data: {},
  };
  if (type === 'connection.disconnected') {
    payload.data = {
      accountId: requiredString(recorded, 'accountId'),
      wasMain: d.wasMain === true,
      causedByConnectionId:
        typeof d.causedByConnectionId === 'string' ? d.causedByConnectionId : null,
    };
  }
  return [payload];
}

function requiredString(recorded: RecordedEvent, field: string): string {
  const value = recorded.data[field];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${recorded.type} event ${recorded.id} has no ${field}`);
  }
  return value;
}

function requiredPlatform(recorded: RecordedEvent): Platform {
  const value = recorded.data.platform;
  if (!isPlatform(value)) {
    throw new TypeError(`${recorded.type} event ${recorded.id} has no known platform`);
  }
  return value;
}

/** The event's `at`, normalised to ISO 8601; the recording instant for an event without one. */
function occurredAt(recorded: RecordedEvent): string {
  const at = recorded.data.at;
  if (typeof at === 'string' && !Number.isNaN(Date.parse(at))) {
    return new Date(at).toISOString();
  }
  return recorded.recordedAt.toISOString();
}
