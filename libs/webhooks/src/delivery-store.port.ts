import type { WebhookEventType } from './webhook-events';

/** `pending` until it ends `delivered` (a 2xx) or `failed` (given up, 410 Gone, no subscription). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export type DeliveryFailureReason =
  /** Every allowed attempt answered an error. */
  | 'max_attempts'
  /** The receiver answered 410 Gone: the subscription was removed. */
  | 'gone'
  /** The workspace no longer has a webhook (or no longer wants this event type). */
  | 'not_subscribed';

export interface NewWebhookDelivery {
  /** The payload id (`whevt_...`): enqueuing it again is a no-op. */
  id: string;
  workspaceId: string;
  type: WebhookEventType;
  /** The recorded event the payload came from. */
  eventId: string;
  /** The exact JSON body, sent byte for byte on every attempt. */
  body: string;
  createdAt: Date;
  /** When the first attempt is due (normally createdAt). */
  nextAttemptAt: Date;
}

/** One attempt as recorded. A finished attempt has `finishedAt`, `durationMs` and status or error. */
export interface WebhookAttempt {
  /** 1-based. */
  attempt: number;
  /** When it was claimed and sent. */
  at: Date;
  /** The HTTP status the receiver answered; null on a network error, a timeout or no send. */
  status: number | null;
  /** Why it failed without a status (timeout, network, abandoned, not sent); never a secret. */
  error: string | null;
  durationMs: number | null;
  /** Null while the attempt is in flight. */
  finishedAt: Date | null;
}

export interface WebhookDelivery extends Omit<NewWebhookDelivery, 'nextAttemptAt'> {
  status: DeliveryStatus;
  /** When the next attempt is due (or its claim's lease ends); null once delivered or failed. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  failureReason: DeliveryFailureReason | null;
  /** Oldest first. */
  attempts: WebhookAttempt[];
}

/** The right to make attempt `attempt` of a delivery, held by `claimant` until `leaseUntil`. */
export interface DeliveryClaim {
  deliveryId: string;
  workspaceId: string;
  type: WebhookEventType;
  eventId: string;
  body: string;
  attempt: number;
  claimant: string;
  at: Date;
  leaseUntil: Date;
}

export interface ClaimOptions {
  now: Date;
  /** At most this many claims. */
  limit: number;
  /**
   * How long the claim is exclusive. A claim neither completed nor renewed by then counts as
   * abandoned (its dispatcher died) and the delivery may be claimed again, as the next attempt.
   * Must exceed the request timeout by a good margin.
   */
  leaseMs: number;
  /** Who claims (recorded; a dispatcher instance id). */
  claimant: string;
}

export interface AttemptResult {
  finishedAt: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export type NextDeliveryState =
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'delivered' }
  | { status: 'failed'; reason: DeliveryFailureReason };

/**
 * The outbox of webhook deliveries, shared by every worker. Also keeps the feed checkpoint of
 * the enqueuer, so deliveries and checkpoint live in one store.
 */
export interface WebhookDeliveryStore {
  /** Adds a pending delivery; false (and nothing changes) when its id is already there. */
  enqueue(delivery: NewWebhookDelivery): Promise<boolean>;

  /**
   * Claims up to `limit` pending deliveries due at `now` (earliest due first), each for its next
   * attempt. Atomic across every process sharing the store: one attempt of one delivery is
   * claimed by one caller only, so two dispatchers never send the same attempt. A delivery
   * whose previous claim's lease ran out is claimed again as the next attempt, the abandoned
   * one recorded with an error.
   */
  claimDue(options: ClaimOptions): Promise<DeliveryClaim[]>;

  /** Records the claimed attempt's result and moves the delivery to `next`. */
  complete(claim: DeliveryClaim, result: AttemptResult, next: NextDeliveryState): Promise<void>;

  get(id: string): Promise<WebhookDelivery | null>;

  /** A workspace's deliveries, oldest first. */
  list(
    workspaceId: string,
    options?: { status?: DeliveryStatus; limit?: number },
  ): Promise<WebhookDelivery[]>;

  /** The enqueuer's position in the event store's global feed; null before the first event. */
  getCheckpoint(name: string): Promise<string | null>;
  saveCheckpoint(name: string, position: string): Promise<void>;

  close(): Promise<void>;
}

export const ABANDONED_ATTEMPT_ERROR = 'abandoned: the dispatcher did not report within its lease';

export function assertClaimOptions(options: ClaimOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
  }
  if (!Number.isFinite(options.leaseMs) || options.leaseMs <= 0) {
    throw new RangeError(`leaseMs must be positive, got ${options.leaseMs}`);
  }
}
