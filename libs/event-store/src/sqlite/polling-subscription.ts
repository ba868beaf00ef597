import type { RecordedEvent, Subscription } from '../event-store.port';
import { reportSubscriptionError } from '../subscription-errors';

const PAGE_SIZE = 500;

export interface FeedSource {
  /** Events with a global position after `after`, in order, at most `max`. */
  readPage(after: number, max: number): RecordedEvent[];
  /** Calls `listener` after each batch this process commits; returns the unregister function. */
  onCommitted(listener: () => void): () => void;
}

/**
 * Catch-up subscription over the SQLite feed: reads pages until it is level, then sleeps until
 * this process commits (instant) or the poll interval passes (appends by other processes on
 * the same file have no in-process signal).
 */
export class PollingSubscription implements Subscription {
  private stopped = false;
  /** A commit happened since the last read: do not sleep. */
  private dirty = false;
  private wake: (() => void) | null = null;
  private readonly done: Promise<void>;
  private readonly unlisten: () => void;

  constructor(
    private readonly source: FeedSource,
    private after: number,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
    private readonly onError: ((error: unknown) => void) | undefined,
    private readonly pollIntervalMs: number,
  ) {
    this.unlisten = source.onCommitted(() => {
      this.dirty = true;
      this.wake?.();
    });
    this.done = this.run();
  }

  /** Resolves once no handler call is running. Do not await it from inside the handler. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    // Let the caller keep the Subscription before the first handler call.
    await Promise.resolve();
    try {
      while (!this.stopped) {
        this.dirty = false;
        const page = this.source.readPage(this.after, PAGE_SIZE);
        for (const event of page) {
          if (this.stopped) return;
          await this.handler(event);
          this.after = Number(event.position);
        }
        if (page.length < PAGE_SIZE) await this.sleep();
      }
    } catch (error) {
      this.stopped = true;
      reportSubscriptionError(error, this.onError);
    } finally {
      this.unlisten();
    }
  }

  private sleep(): Promise<void> {
    if (this.dirty || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), this.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}
