import { type Clock, systemClock } from '@ledger/commands/clock';
import type { ParkedEventSink } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { catchUpFeed, type FeedFollower } from '@ledger/event-store/feed';
import type { WebhookDeliveryStore } from './delivery-store.port';
import { webhookEventsFor, type WebhookPayload } from './webhook-events';
import type { WebhookSubscription, WebhookSubscriptions } from './webhook-subscriptions';

export interface WebhookEnqueuerOptions {
  /** The checkpoint's name in the delivery store (default "webhooks"). */
  checkpoint?: string;
  /** Events read per page (default 500); the checkpoint is saved after each page. */
  batchSize?: number;
  clock?: Clock;
  /** Told of each malformed event skipped (logged by default); the feed goes on. */
  onParked?: ParkedEventSink;
}

/** A webhook payload and the event it comes from. */
interface EventPayload {
  eventId: string;
  payload: WebhookPayload;
}

export interface CatchUpReport {
  events: number;
  enqueued: number;
  position: string | null;
}

/**
 * Turns the event store's global feed into webhook deliveries, like a projection: it reads
 * from its checkpoint in pages, enqueues a delivery for each webhook payload whose workspace is
 * subscribed to its type, and saves the checkpoint after each page. Enqueue is idempotent
 * (the payload id is derived from the event id), so a crash between enqueue and checkpoint, a
 * second instance, or a checkpoint reset sends nothing twice.
 *
 * Only events that occurred at or after the subscription was first set are sent: a new
 * subscription does not receive the workspace's past (nor does a lagging enqueuer deliver old
 * events to it).
 */
export class WebhookEnqueuer {
  private readonly checkpoint: string;
  private readonly batchSize: number;
  private readonly clock: Clock;
  private readonly onParked: ParkedEventSink | undefined;

  constructor(
    private readonly events: Pick<EventStore, 'readAll'>,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly subscriptions: Pick<WebhookSubscriptions, 'get'>,
    options: WebhookEnqueuerOptions = {},
  ) {
    this.checkpoint = options.checkpoint ?? 'webhooks';
    this.batchSize = options.batchSize ?? 500;
    this.clock = options.clock ?? systemClock;
    this.onParked = options.onParked;
  }

  /** Reads the feed from the checkpoint to its end; resolves with what it did. */
  async catchUp(): Promise<CatchUpReport> {
    let enqueued = 0;
    const follower: FeedFollower<EventPayload> = {
      name: this.checkpoint,
      project: (event) =>
        webhookEventsFor(event).map((payload) => ({ eventId: event.id, payload })),
      onParked: this.onParked,
      store: {
        getCheckpoint: (name) => this.deliveries.getCheckpoint(name),
        apply: async (payloads, { projection, position }) => {
          enqueued += await this.enqueueAll(payloads);
          await this.deliveries.saveCheckpoint(projection, position);
        },
      },
    };
    const { events, position } = await catchUpFeed(this.events, follower, {
      batchSize: this.batchSize,
    });
    return { events, enqueued, position };
  }

  /** Enqueues each payload its workspace's subscription asks for; answers how many were new. */
  private async enqueueAll(payloads: EventPayload[]): Promise<number> {
    let enqueued = 0;
    const subscriptions = new Map<string, Promise<WebhookSubscription | null>>();
    for (const { eventId, payload } of payloads) {
      if (!subscriptions.has(payload.workspaceId)) {
        subscriptions.set(payload.workspaceId, this.subscriptions.get(payload.workspaceId));
      }
      const subscription = await subscriptions.get(payload.workspaceId);
      if (!subscription || !subscription.events.includes(payload.type)) continue;
      if (Date.parse(payload.occurredAt) < subscription.createdAt.getTime()) continue;
      const now = this.clock.now();
      const added = await this.deliveries.enqueue({
        id: payload.id,
        workspaceId: payload.workspaceId,
        type: payload.type,
        eventId,
        body: JSON.stringify(payload),
        createdAt: now,
        nextAttemptAt: now,
      });
      if (added) enqueued += 1;
    }
    return enqueued;
  }
}
