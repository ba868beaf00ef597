import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Clock, systemClock } from '@ledger/commands/clock';
import {
  DEFAULT_JITTER,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_SCHEDULE_MS,
  retryDelayMs,
} from './backoff';
import type {
  AttemptResult,
  DeliveryClaim,
  NextDeliveryState,
  WebhookDeliveryStore,
} from './delivery-store.port';
import { webhookHeaders } from './signing';
import { postPinned } from './target/pinned-post';
import {
  checkWebhookUrl,
  pinWebhookAddress,
  systemResolver,
  WebhookTargetRefused,
  type ResolveHost,
} from './target/webhook-target';
import type { WebhookSubscriptions, WebhookTarget } from './webhook-subscriptions';

export interface WebhookDispatcherOptions {
  /** Signing timestamps, attempt times and retry times come from here. */
  clock?: Clock;
  /**
   * Deliver to loopback, private and other non-public addresses (default false): only for
   * local development, where the receiver runs on 127.0.0.1.
   */
  allowPrivateTargets?: boolean;
  /** Resolves the webhook's host (default: the system resolver). Tests inject one. */
  resolve?: ResolveHost;
  /** Per attempt, DNS included, until the status line arrives (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a delivery fails (default 10). */
  maxAttempts?: number;
  retrySchedule?: readonly number[];
  jitter?: number;
  random?: () => number;
  /** Deliveries claimed and sent at once (default 20). */
  batchSize?: number;
  /** Most attempts one deliverDue() makes (default 500); the rest wait for the next call. */
  maxPerRun?: number;
  /** How long a claim is exclusive (default timeout + 60 s). */
  leaseMs?: number;
  /** This dispatcher's id in the attempt records (default a random UUID). */
  claimant?: string;
  userAgent?: string;
}

export interface DeliverDueReport {
  attempts: number;
  delivered: number;
  /** Failed this time, another attempt scheduled. */
  retrying: number;
  /** Given up: max attempts, 410 Gone, or no subscription any more. */
  failed: number;
}

type Outcome = { result: AttemptResult; next: NextDeliveryState; gone?: WebhookTarget };

/**
 * Sends due webhook deliveries. Call deliverDue() on a schedule (the worker's job, every few
 * seconds); any number of dispatchers may share one store, since each attempt is claimed by
 * one of them only. Each claimed attempt:
 *
 * - looks up the workspace's webhook now (so a new URL or rotated secret applies to retries);
 *   none, or no longer subscribed to the type: failed `not_subscribed`, nothing sent;
 * - checks the URL again and resolves its host: when any address is not public (loopback,
 *   private, link-local, metadata, ...) nothing is sent and the attempt fails (retried, as for
 *   a network error); otherwise it POSTs to the checked address only (pinned: a DNS answer that
 *   changes meanwhile is not used), `Host` and SNI kept;
 * - POSTs the stored body, signed at the current clock time, with a deadline, no redirects,
 *   never reading the answer's body (only its status counts);
 * - 2xx: delivered. 410 Gone: the subscription is removed (if it is still the one that answered)
 *   and the delivery fails `gone`. Anything else (other 3xx/4xx/5xx, network error, timeout):
 *   retried after the backoff, until the last attempt fails it `max_attempts`.
 *
 * Every attempt is recorded (attempt number, time, status or error, duration). Neither the
 * secret nor the URL goes into a record or an error message.
 */
export class WebhookDispatcher {
  private readonly clock: Clock;
  private readonly allowPrivateTargets: boolean;
  private readonly resolve: ResolveHost;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retrySchedule: readonly number[];
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly batchSize: number;
  private readonly maxPerRun: number;
  private readonly leaseMs: number;
  readonly claimant: string;
  private readonly userAgent: string;

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly subscriptions: Pick<WebhookSubscriptions, 'target' | 'removeIfCurrent'>,
    options: WebhookDispatcherOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.allowPrivateTargets = options.allowPrivateTargets ?? false;
    this.resolve = options.resolve ?? systemResolver;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.retrySchedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS;
    this.jitter = options.jitter ?? DEFAULT_JITTER;
    this.random = options.random ?? Math.random;
    this.batchSize = options.batchSize ?? 20;
    this.maxPerRun = options.maxPerRun ?? 500;
    this.leaseMs = options.leaseMs ?? this.timeoutMs + 60_000;
    this.claimant = options.claimant ?? randomUUID();
    this.userAgent = options.userAgent ?? 'ConnectionLedger-Webhooks/1';
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    }
    if (this.leaseMs <= this.timeoutMs) {
      throw new RangeError('leaseMs must exceed timeoutMs, or a slow attempt could be sent twice');
    }
  }

  /** Sends what is due at `now` (default: the clock's now); resolves once all are recorded. */
  async deliverDue(now: Date = this.clock.now()): Promise<DeliverDueReport> {
    const report: DeliverDueReport = { attempts: 0, delivered: 0, retrying: 0, failed: 0 };
    const targets = new Map<string, Promise<WebhookTarget | null>>();
    while (report.attempts < this.maxPerRun) {
      const claims = await this.deliveries.claimDue({
        now,
        limit: Math.min(this.batchSize, this.maxPerRun - report.attempts),
        leaseMs: this.leaseMs,
        claimant: this.claimant,
      });
      if (claims.length === 0) break;
      const nexts = await Promise.all(claims.map((claim) => this.attempt(claim, targets)));
      for (const next of nexts) {
        report.attempts += 1;
        if (next.status === 'delivered') report.delivered += 1;
        else if (next.status === 'failed') report.failed += 1;
        else report.retrying += 1;
      }
    }
    return report;
  }

  private async attempt(
    claim: DeliveryClaim,
    targets: Map<string, Promise<WebhookTarget | null>>,
  ): Promise<NextDeliveryState> {
    let outcome: Outcome;
    try {
      if (!targets.has(claim.workspaceId)) {
        targets.set(claim.workspaceId, this.subscriptions.target(claim.workspaceId));
      }
      const target = await targets.get(claim.workspaceId)!;
      outcome = await this.send(claim, target);
    } catch {
      // E.g. the secret cannot be opened (key missing from the ring): retry later.
      outcome = this.retryOrFail(claim, this.notSent('the webhook secret could not be opened'));
    }
    if (outcome.gone) {
      targets.delete(claim.workspaceId);
      await this.subscriptions.removeIfCurrent(
        claim.workspaceId,
        outcome.gone.subscription.subscriptionId,
      );
    }
    await this.deliveries.complete(claim, outcome.result, outcome.next);
    return outcome.next;
  }

  private async send(claim: DeliveryClaim, target: WebhookTarget | null): Promise<Outcome> {
    if (claim.attempt > this.maxAttempts) {
      // Only after an abandoned last attempt (its dispatcher died): it counted.
      return {
        result: this.notSent('attempts exhausted'),
        next: { status: 'failed', reason: 'max_attempts' },
      };
    }
    if (!target || !target.subscription.events.includes(claim.type)) {
      return {
        result: this.notSent(`the workspace has no webhook for ${claim.type}`),
        next: { status: 'failed', reason: 'not_subscribed' },
      };
    }
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': this.userAgent,
      ...webhookHeaders(target.secret, claim.deliveryId, claim.body, this.clock.now()),
    };
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await this.post(target.subscription.url, headers, claim.body);
    } catch (caught) {
      if (caught instanceof WebhookTargetRefused) {
        return this.retryOrFail(claim, this.notSent(caught.message));
      }
      error = this.describe(caught);
    }
    const result: AttemptResult = {
      finishedAt: this.clock.now(),
      status,
      error,
      durationMs: performance.now() - started,
    };
    if (status !== null && status >= 200 && status < 300) {
      return { result, next: { status: 'delivered' } };
    }
    if (status === 410) {
      return { result, next: { status: 'failed', reason: 'gone' }, gone: target };
    }
    return this.retryOrFail(claim, result);
  }

  /** The answer's status; the whole attempt (DNS, connect, send, status line) has one deadline. */
  private async post(rawUrl: string, headers: Record<string, string>, body: string) {
    const rules = { allowPrivateTargets: this.allowPrivateTargets };
    // Checked again: a subscription stored before these rules (or while they were relaxed).
    const url = checkWebhookUrl(rawUrl, rules);
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const address = await untilAborted(pinWebhookAddress(url, rules, this.resolve), deadline);
    return postPinned({ url, address, headers, body, deadline });
  }

  private retryOrFail(claim: DeliveryClaim, result: AttemptResult): Outcome {
    if (claim.attempt >= this.maxAttempts) {
      return { result, next: { status: 'failed', reason: 'max_attempts' } };
    }
    const delay = retryDelayMs(claim.attempt, {
      schedule: this.retrySchedule,
      jitter: this.jitter,
      random: this.random,
    });
    return {
      result,
      next: { status: 'pending', nextAttemptAt: new Date(result.finishedAt.getTime() + delay) },
    };
  }

  private notSent(why: string): AttemptResult {
    return { finishedAt: this.clock.now(), status: null, error: `not sent: ${why}`, durationMs: 0 };
  }

  /** A network failure in words, without the URL (it may carry a customer's token). */
  private describe(error: unknown): string {
    const e = error as { name?: string; code?: unknown; cause?: { code?: unknown } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return `timeout after ${this.timeoutMs} ms`;
    }
    const code = e?.code ?? e?.cause?.code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return `network error: ${code}`;
    return 'network error';
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
