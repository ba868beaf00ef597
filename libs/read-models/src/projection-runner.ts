import type { ParkedEventSink } from '@ledger/domain';
import type { EventStore, RecordedEvent, Subscription } from '@ledger/event-store';
import { applyPage, catchUpFeed, type FeedFollower } from '@ledger/event-store/feed';
import type { WorkspaceReadModel, ReadModelChange } from './workspace-read-model.port';
import { projectConnectionsEvent } from './connections/connections.projection';
import { waitForCheckpoint, type WaitOptions } from './wait-for-checkpoint';

export interface ProjectionRunnerOptions {
  /** The checkpoint's name, e.g. "connections". */
  projection: string;
  /** Events read and applied at once while catching up (one transaction each on SQLite). */
  batchSize?: number;
  /** First delay before retrying after a failure; doubles up to 10 s. */
  retryDelayMs?: number;
  /** Told of every failure; the runner retries from the checkpoint on its own. */
  onError?: (error: unknown) => void;
  /** Maps an event to changes; the connections projection by default. */
  project?: (event: RecordedEvent) => ReadModelChange[];
  /** Told of each malformed event skipped (logged by default); the runner goes on. */
  onParked?: ParkedEventSink;
}

const MAX_RETRY_DELAY_MS = 10_000;

/** Set when its run must end: stop() and rebuild() flip it, loops check it between awaits. */
interface RunSignal {
  stopped: boolean;
  wake?: () => void;
}

/**
 * Drives a read model from the event store's ordered feed. It resumes from the read model's
 * checkpoint, catches up in pages (one apply per page), then follows a live subscription (one
 * apply per event). Changes and checkpoint go in one apply; the stores' revision guards make
 * any replay (crash, retry, second instance) harmless. On failure it waits and starts again
 * from the checkpoint.
 */
export class ProjectionRunner {
  private readonly projection: string;
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly follower: FeedFollower<ReadModelChange>;
  private signal: RunSignal | null = null;
  private loop: Promise<void> | null = null;
  private subscription: Subscription | null = null;
  private lastErrorValue: unknown = null;
  private readonly appliedListeners = new Set<(position: string) => void>();

  constructor(
    private readonly store: EventStore,
    private readonly readModel: WorkspaceReadModel,
    options: ProjectionRunnerOptions,
  ) {
    this.projection = options.projection;
    this.batchSize = options.batchSize ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.onError =
      options.onError ??
      ((error) => console.error(`Projection ${this.projection} failed, retrying`, error));
    this.follower = {
      name: this.projection,
      project: options.project ?? projectConnectionsEvent,
      onParked: options.onParked,
      store: {
        getCheckpoint: (name) => this.readModel.getCheckpoint(name),
        apply: async (changes, checkpoint) => {
          await this.readModel.apply(changes, checkpoint);
          this.lastErrorValue = null;
          for (const listener of this.appliedListeners) listener(checkpoint.position);
        },
      },
    };
  }

  get running(): boolean {
    return this.signal !== null;
  }

  /** The last failure, until the next successful apply; for health checks. */
  get lastError(): unknown {
    return this.lastErrorValue;
  }

  /** Starts following the feed in the background; returns at once. */
  start(): void {
    if (this.signal) return;
    const signal: RunSignal = { stopped: false };
    this.signal = signal;
    this.loop = this.run(signal);
  }

  /** Stops; resolves once no apply is running. */
  async stop(): Promise<void> {
    const signal = this.signal;
    if (!signal) return;
    signal.stopped = true;
    signal.wake?.();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
    await this.loop;
    this.signal = null;
    this.loop = null;
  }

  /** Resolves once the read model's checkpoint is at or after `position` (see waitForCheckpoint). */
  waitUntilCaughtUp(position: string, options?: WaitOptions): Promise<void> {
    return waitForCheckpoint(this.readModel, this.projection, position, {
      applied: this.onApplied,
      ...options,
    });
  }

  /**
   * Calls `listener` with the checkpoint after each apply this runner commits; returns the
   * unregister function. Lets read-your-writes answer as soon as the read model shows a write,
   * without polling it.
   */
  readonly onApplied = (listener: (position: string) => void): (() => void) => {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  };

  /**
   * Drops the read model and replays the whole feed as it stands, resolving when done; a
   * runner that was started then follows the feed again.
   */
  async rebuild(): Promise<void> {
    const resume = this.running;
    await this.stop();
    await this.readModel.reset(this.projection);
    await this.catchUp({ stopped: false });
    if (resume) this.start();
  }

  private async run(signal: RunSignal): Promise<void> {
    let delay = this.retryDelayMs;
    while (!signal.stopped) {
      try {
        const caughtUp = await this.catchUp(signal);
        await this.follow(caughtUp, signal);
      } catch (error) {
        if (signal.stopped) return;
        this.lastErrorValue = error;
        this.onError(error);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }

  /** Applies the feed page by page from the checkpoint; returns the position it reached. */
  private async catchUp(signal: RunSignal): Promise<string | null> {
    const { position } = await catchUpFeed(this.store, this.follower, {
      batchSize: this.batchSize,
      stopped: () => signal.stopped,
    });
    return position;
  }

  /**
   * Follows the live feed until stopped (resolves) or the subscription or an apply fails
   * (rejects). Events delivered in one event-loop turn are applied together, in one
   * transaction: under load, one apply per event would cost a transaction each.
   */
  private follow(after: string | null, signal: RunSignal): Promise<void> {
    if (signal.stopped) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let pending: RecordedEvent[] = [];
      let applying: Promise<void> = Promise.resolve();
      let scheduled = false;
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        const subscription = this.subscription;
        this.subscription = null;
        void subscription?.stop();
        reject(error);
      };
      const applyPending = async () => {
        await new Promise<void>((next) => setImmediate(next));
        scheduled = false;
        const batch = pending;
        pending = [];
        if (batch.length > 0 && !failed) await applyPage(this.follower, batch);
      };
      // On stop, what was delivered is applied before the run ends.
      signal.wake = () => void applying.then(resolve, resolve);
      this.subscription = this.store.subscribeToAll(
        { after },
        (event) => {
          if (failed) return Promise.resolve();
          pending.push(event);
          if (!scheduled) {
            scheduled = true;
            applying = applying.then(applyPending).catch(fail);
          }
          // Back-pressure: a full batch waits for its apply before taking more.
          return pending.length >= this.batchSize ? applying : Promise.resolve();
        },
        fail,
      );
    });
  }
}

function sleep(ms: number, signal: RunSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}
