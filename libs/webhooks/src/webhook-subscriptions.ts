import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { type Clock, systemClock } from '@ledger/commands/clock';
import type { KeyRing } from '@ledger/token-vault';
import { openSecret, sealSecret } from './secret-box';
import { generateWebhookSecret } from './signing';
import { checkWebhookUrl, WebhookTargetRefused } from './target/webhook-target';
import type {
  StoredWebhookSubscription,
  WebhookSubscriptionStore,
} from './subscription-store.port';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';

/** A subscription as shown to admins: everything but the secret. */
export interface WebhookSubscription {
  workspaceId: string;
  subscriptionId: string;
  url: string;
  events: WebhookEventType[];
  createdAt: Date;
  updatedAt: Date;
}

/** What set() answers: the only time the secret is ever shown. */
export interface WebhookSubscriptionCreated {
  subscription: WebhookSubscription;
  secret: string;
}

/** The dispatcher's view: where to send and what to sign with. */
export interface WebhookTarget {
  subscription: WebhookSubscription;
  secret: string;
}

export interface SetWebhookInput {
  url: string;
  /** Defaults to every webhook event type. */
  events?: readonly string[];
}

export class WebhookSubscriptionError extends Error {
  constructor(
    readonly code: 'INVALID_URL' | 'INVALID_EVENTS',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSubscriptionError';
  }
}

export interface WebhookSubscriptionsOptions {
  clock?: Clock;
  /**
   * Refuse `http:` URLs (default true). Local runs and tests turn it off to reach a receiver
   * on 127.0.0.1.
   */
  requireHttps?: boolean;
  /**
   * Accept loopback, private and other non-public hosts (default false): only for local
   * development, with a receiver on 127.0.0.1. The dispatcher checks again at every send.
   */
  allowPrivateTargets?: boolean;
}

/**
 * The workspaces' webhook subscriptions. The secret is generated here (32 random bytes), returned
 * once by set(), stored only sealed (AES-256-GCM under the token vault's key ring, bound to the
 * workspace and subscription), opened only for signing, and never logged: the objects this
 * class returns print the secret as `[redacted]` when inspected.
 */
export class WebhookSubscriptions {
  private readonly clock: Clock;
  private readonly requireHttps: boolean;
  private readonly allowPrivateTargets: boolean;

  constructor(
    private readonly store: WebhookSubscriptionStore,
    private readonly keyRing: KeyRing,
    options: WebhookSubscriptionsOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.requireHttps = options.requireHttps ?? true;
    this.allowPrivateTargets = options.allowPrivateTargets ?? false;
  }

  /**
   * Creates or replaces the workspace's webhook with a fresh secret (setting it again is how a
   * secret is rotated). Deliveries still pending go to the new URL, signed with the new secret.
   */
  async set(workspaceId: string, input: SetWebhookInput): Promise<WebhookSubscriptionCreated> {
    const url = this.validUrl(input.url);
    const events = validEvents(input.events);
    const now = this.clock.now();
    const existing = await this.store.get(workspaceId);
    const subscriptionId = randomUUID();
    const secret = generateWebhookSecret();
    const stored: StoredWebhookSubscription = {
      workspaceId,
      subscriptionId,
      url,
      events,
      secret: sealSecret(this.keyRing, { workspaceId, subscriptionId }, secret),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.put(stored);
    return redacted({ subscription: view(stored), secret });
  }

  async get(workspaceId: string): Promise<WebhookSubscription | null> {
    const stored = await this.store.get(workspaceId);
    return stored ? view(stored) : null;
  }

  async remove(workspaceId: string): Promise<boolean> {
    return this.store.remove(workspaceId);
  }

  /** Removes the subscription only if it is still `subscriptionId` (after a 410 Gone). */
  async removeIfCurrent(workspaceId: string, subscriptionId: string): Promise<boolean> {
    return this.store.remove(workspaceId, subscriptionId);
  }

  /** Where the workspace's webhooks go and the opened secret to sign them with. */
  async target(workspaceId: string): Promise<WebhookTarget | null> {
    const stored = await this.store.get(workspaceId);
    if (!stored) return null;
    const secret = openSecret(
      this.keyRing,
      { workspaceId, subscriptionId: stored.subscriptionId },
      stored.secret,
    );
    return redacted({ subscription: view(stored), secret });
  }

  private validUrl(raw: string): string {
    let url: URL;
    try {
      url = checkWebhookUrl(raw, {
        requireHttps: this.requireHttps,
        allowPrivateTargets: this.allowPrivateTargets,
      });
    } catch (error) {
      if (!(error instanceof WebhookTargetRefused)) throw error;
      throw new WebhookSubscriptionError('INVALID_URL', error.message);
    }
    url.hash = '';
    return url.toString();
  }
}

function validEvents(events: readonly string[] | undefined): WebhookEventType[] {
  if (events === undefined) return [...WEBHOOK_EVENT_TYPES];
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length > 0 || events.length === 0) {
    throw new WebhookSubscriptionError(
      'INVALID_EVENTS',
      `events must be a non-empty subset of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    );
  }
  // In the canonical order, without duplicates.
  return WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t));
}

function view(stored: StoredWebhookSubscription): WebhookSubscription {
  return {
    workspaceId: stored.workspaceId,
    subscriptionId: stored.subscriptionId,
    url: stored.url,
    events: [...stored.events],
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

/**
 * The secret stays a plain property (the API must answer it once, as JSON), but console.log and
 * util.inspect, which loggers use, show it as `[redacted]`.
 */
function redacted<T extends { secret: string }>(value: T): T {
  Object.defineProperties(value, {
    [inspect.custom]: {
      value: () => inspect({ ...value, secret: '[redacted]' }),
      enumerable: false,
    },
  });
  return value;
}
