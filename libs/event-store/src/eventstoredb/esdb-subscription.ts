import type { AllStreamResolvedEvent, Position } from '@eventstore/db-client';
import type { RecordedEvent, Subscription } from '../event-store.port';
import { reportSubscriptionError } from '../subscription-errors';
import {
  comparePositions,
  isTransientEsdbError,
  parsePosition,
  toRecordedEvent,
} from './esdb-mapping';

/** What the subscription needs from a client `subscribeToAll` call (a fake in unit tests). */
export interface EsdbFeed extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
  destroy(): void;
}

/** Opens the $all feed after `from` (from the start when undefined), system events excluded. */
export type OpenEsdbFeed = (from: Position | undefined) => EsdbFeed;

class HandlerFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Catch-up subscription to $all that survives dropped connections: it reopens the feed after
 * the last delivered position, with backoff. Events at or before that position are skipped,
 * whether the server treats `fromPosition` as inclusive or not, so nothing is delivered twice.
 */
export class EsdbSubscription implements Subscription {
  private stopped = false;
  private feed: EsdbFeed | null = null;
  private cancelWait: (() => void) | null = null;
  private last: Position | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly open: OpenEsdbFeed,
    after: string | null | undefined,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
    private readonly onError: ((error: unknown) => void) | undefined,
    private readonly retryDelayMs = (attempt: number) => Math.min(100 * 2 ** attempt, 5000),
  ) {
    this.last = after ? parsePosition(after) : undefined;
    this.done = this.run();
  }

  /** Resolves once no handler call is running. Do not await it from inside the handler. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWait?.();
    const feed = this.feed;
    if (feed) await closeFeed(feed);
    await this.done;
  }

  private async run(): Promise<void> {
    // Let the caller keep the Subscription before the first handler call.
    await Promise.resolve();
    let failures = 0;
    while (!this.stopped) {
      try {
        this.feed = this.open(this.last);
        for await (const resolved of this.feed) {
          if (this.stopped) return;
          if (await this.deliver(resolved)) failures = 0;
        }
        // The server ended the feed: reopen it like after a drop, without spinning.
        if (this.stopped) return;
        await this.wait(this.retryDelayMs(failures));
        failures += 1;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof HandlerFailed || !isTransientEsdbError(error)) {
          this.stopped = true;
          reportSubscriptionError(
            error instanceof HandlerFailed ? error.error : error,
            this.onError,
          );
          return;
        }
        await this.wait(this.retryDelayMs(failures));
        failures += 1;
      } finally {
        // Whatever ended this feed (a handler that threw, an error, a stop), its gRPC call must
        // end too: dropping the iterator alone leaves it open on the connection.
        const feed = this.feed;
        this.feed = null;
        if (feed) await closeFeed(feed);
      }
    }
  }

  /** Hands one event to the handler; false when it was skipped. */
  private async deliver(resolved: AllStreamResolvedEvent): Promise<boolean> {
    const position = resolved.event?.position;
    if (!position || (this.last && comparePositions(position, this.last) <= 0)) return false;
    try {
      const event = toRecordedEvent(resolved);
      if (event) await this.handler(event);
    } catch (error) {
      throw new HandlerFailed(error);
    }
    this.last = position;
    return true;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Cancels the feed's gRPC call, then ends the iteration even if the call never ends it. */
async function closeFeed(feed: EsdbFeed): Promise<void> {
  await feed.unsubscribe().catch(() => undefined);
  feed.destroy();
}
