import type { Clock } from '@ledger/commands';
import type { Lease, LeaseStore } from './lease-store.port';
import { holderIsGone, processInstanceId } from './process-liveness';

/** Why a lease stopped being held. */
export type LeaseLossReason =
  /** A renewal was refused: the lease expired, or someone else holds it now. */
  | 'renewal-refused'
  /** The clock passed the lease's expiry before a renewal succeeded (e.g. the store is down). */
  | 'expired'
  /** The keeper was stopped (shutdown): the lease was given up on purpose. */
  | 'stopped';

/**
 * What the work sees of its lease. Check `lost` before every step that must not run twice
 * (e.g. before calling the platform to rotate a refresh token) and carry `token` into writes
 * that a store can fence.
 */
export interface LeaseSignal {
  readonly name: string;
  /** The fencing token of this holding. */
  readonly token: number;
  /** The lease as last acquired or renewed. */
  readonly lease: Lease;
  /** True once a renewal was refused, the clock passed the expiry, or the keeper stopped. */
  readonly lost: boolean;
  readonly reason: LeaseLossReason | undefined;
  /** Aborts when the lease is found lost: pass it to fetch and timers. */
  readonly abortSignal: AbortSignal;
  /** Throws LeaseLostError when `lost`. */
  throwIfLost(): void;
}

export class LeaseLostError extends Error {
  constructor(
    readonly leaseName: string,
    readonly reason: LeaseLossReason,
  ) {
    super(`The lease ${leaseName} was lost (${reason})`);
    this.name = 'LeaseLostError';
  }
}

export type ExclusiveOutcome<T> =
  /** The lease was held and the work ran; `lost` tells whether it was lost before the end. */
  | { ran: true; value: T; token: number; lost: boolean }
  /** Someone else holds the lease: the work did not run. */
  | { ran: false };

export interface LeaseKeeperOptions {
  /** Who this process is, as stored in the leases; default `defaultHolderId()`. */
  holder?: string;
  /** The clock that stamps acquisitions and renewals (injected in tests). */
  clock: Clock;
  /**
   * Real milliseconds between renewals; default ttl/3. Tests whose injected clock runs on
   * long ttls set it short.
   */
  renewEveryMs?: number;
  /**
   * Whether a lease's holder is known dead, so its lease is taken over at once instead of
   * after its expiry; default `holderIsGone` (a process on this machine that no longer runs).
   */
  holderIsGone?: (holder: string) => boolean;
  /** Told about store failures the keeper rides out (it retries); default: ignored. */
  onError?: (error: unknown, context: { name: string; operation: string }) => void;
}

export interface HoldOptions {
  ttlMs: number;
  /** Real milliseconds between acquisition attempts while another holds it; default ttl/3. */
  retryEveryMs?: number;
}

/** A singleton's standing claim on a lease; `stop()` before shutdown. */
export interface LeaseHolding {
  /** The current holding, when this process has the lease now. */
  readonly current: LeaseSignal | undefined;
  /** Stops trying; when holding, calls `onLost` (reason `stopped`) first, then releases. */
  stop(): Promise<void>;
}

/**
 * `host:pid:random#mark`: unique per process (and per keeper when a process runs several); the
 * mark lets a process on the same machine see that the holder died (see process-liveness).
 */
export function defaultHolderId(): string {
  return processInstanceId();
}

/**
 * Runs work under leases: acquires, renews in the background every ttl/3 (real time; the
 * injected clock stamps each operation), notices loss, and releases at the end.
 */
export class LeaseKeeper {
  readonly holder: string;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseKeeperOptions,
  ) {
    this.holder = options.holder ?? defaultHolderId();
  }

  /**
   * Runs `work` only if the lease on `name` is free (or its holder is gone), holding it (renewed every ttl/3) until
   * the work settles, then releases it. When someone else holds it, resolves to `{ran:false}`
   * at once. A renewal refused (or the clock passing the expiry) marks `signal.lost` and
   * aborts `signal.abortSignal`; the work should stop at its next step. The work's error is
   * rethrown after the release.
   */
  async runExclusively<T>(
    name: string,
    ttlMs: number,
    work: (signal: LeaseSignal) => Promise<T>,
  ): Promise<ExclusiveOutcome<T>> {
    const lease = await this.acquire(name, ttlMs);
    if (!lease) return { ran: false };
    const holding = new Holding(lease, this.options.clock);
    const renewer = this.startRenewing(holding, ttlMs);
    try {
      const value = await work(holding.signal);
      return { ran: true, value, token: lease.token, lost: holding.signal.lost };
    } finally {
      await renewer.stop();
      await this.releaseQuietly(holding.lease);
    }
  }

  /**
   * Keeps trying to hold the lease on `name` for as long as the process runs, for singletons
   * (a projection runner, the scheduler). While another holds it, retries every `retryEveryMs`,
   * so a standby takes over once a dead holder's lease expires (at once when this machine
   * sees the holder died). On acquiring, calls
   * `onAcquired` (start the work) and renews every ttl/3; when the lease is lost, calls
   * `onLost` (stop the work) and goes back to trying. Callbacks run one at a time, in order:
   * `onAcquired` should start the work and return, not run it to completion. The signal's
   * `lost` turns true as soon as the clock passes the expiry; `onLost` follows at the next
   * renewal tick. `stop()` calls `onLost` (reason `stopped`) before releasing, so the work has
   * stopped before a standby can take over.
   */
  holdWhileRunning(
    name: string,
    onAcquired: (signal: LeaseSignal) => void | Promise<void>,
    onLost: (signal: LeaseSignal) => void | Promise<void>,
    options: HoldOptions,
  ): LeaseHolding {
    const retryEveryMs = options.retryEveryMs ?? options.ttlMs / 3;
    let stopped = false;
    let holding: Holding | undefined;
    let renewer: Renewer | undefined;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();

    const lose = async (reason: LeaseLossReason) => {
      const lost = holding;
      if (!lost) return;
      holding = undefined;
      lost.markLost(reason);
      await renewer?.stop();
      renewer = undefined;
      try {
        await onLost(lost.signal);
      } catch (error) {
        this.report(error, name, 'onLost');
      }
      // Only once the work stopped may another take over early.
      await this.releaseQuietly(lost.lease);
    };

    const attempt = async () => {
      if (stopped || holding) return;
      let lease: Lease | null = null;
      try {
        lease = await this.acquire(name, options.ttlMs);
      } catch (error) {
        this.report(error, name, 'acquire');
      }
      if (!lease || stopped) {
        if (lease) await this.releaseQuietly(lease);
        return;
      }
      const acquired = new Holding(lease, this.options.clock);
      holding = acquired;
      renewer = this.startRenewing(acquired, options.ttlMs, (reason) => {
        // Lost in the background: hand the loss to the serial queue.
        enqueue(() => (holding === acquired ? lose(reason) : Promise.resolve()));
      });
      try {
        await onAcquired(acquired.signal);
      } catch (error) {
        this.report(error, name, 'onAcquired');
        await lose('stopped');
      }
    };

    const enqueue = (task: () => Promise<void>) => {
      running = running.then(task, task);
      return running;
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => void enqueue(attempt).then(schedule, schedule), retryEveryMs);
      timer.unref?.();
    };
    void enqueue(attempt).then(schedule, schedule);

    return {
      get current() {
        return holding?.signal;
      },
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await enqueue(() => lose('stopped'));
      },
    };
  }

  /** Free, expired, or held by a process known dead (a crash on this machine: no ttl wait). */
  private acquire(name: string, ttlMs: number): Promise<Lease | null> {
    return this.store.acquire(name, this.holder, ttlMs, this.options.clock.now(), {
      holderIsGone: this.options.holderIsGone ?? holderIsGone,
    });
  }

  /** Renews every `renewEveryMs` (default ttl/3) until stopped or the lease is lost. */
  private startRenewing(
    holding: Holding,
    ttlMs: number,
    onLost?: (reason: LeaseLossReason) => void,
  ): Renewer {
    const every = this.options.renewEveryMs ?? ttlMs / 3;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> = Promise.resolve();

    const renewOnce = async () => {
      if (stopped) return;
      // `lost` also turns true on its own once the clock passes the expiry.
      if (!holding.signal.lost) {
        let renewed: Lease | null | undefined;
        try {
          renewed = await this.store.renew(holding.lease, ttlMs, this.options.clock.now());
        } catch (error) {
          // The store is unreachable: keep trying until the lease runs out.
          this.report(error, holding.lease.name, 'renew');
        }
        if (stopped) return;
        if (renewed) holding.renewed(renewed);
        else if (renewed === null) holding.markLost('renewal-refused');
      }
      if (holding.signal.lost) onLost?.(holding.signal.reason ?? 'expired');
    };
    const tick = () => {
      timer = setTimeout(() => {
        inFlight = renewOnce().then(() => {
          if (!stopped && !holding.signal.lost) tick();
        });
      }, every);
      timer.unref?.();
    };
    tick();
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await inFlight;
      },
    };
  }

  private async releaseQuietly(lease: Lease): Promise<void> {
    try {
      await this.store.release(lease);
    } catch (error) {
      // It expires on its own.
      this.report(error, lease.name, 'release');
    }
  }

  private report(error: unknown, name: string, operation: string): void {
    this.options.onError?.(error, { name, operation });
  }
}

interface Renewer {
  stop(): Promise<void>;
}

/** One holding of a lease, and the signal the work sees of it. */
class Holding {
  private current: Lease;
  private lossReason: LeaseLossReason | undefined;
  private readonly abort = new AbortController();
  readonly signal: LeaseSignal;

  constructor(lease: Lease, clock: Clock) {
    this.current = lease;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.signal = {
      name: lease.name,
      token: lease.token,
      get lease() {
        return self.current;
      },
      get lost() {
        // Past the expiry nobody vouches for us any more, renewal tick or not.
        if (!self.lossReason && clock.now().getTime() >= self.current.expiresAt.getTime()) {
          self.markLost('expired');
        }
        return self.lossReason !== undefined;
      },
      get reason() {
        return this.lost ? self.lossReason : undefined;
      },
      abortSignal: this.abort.signal,
      throwIfLost() {
        if (this.lost) throw new LeaseLostError(lease.name, self.lossReason ?? 'expired');
      },
    };
  }

  get lease(): Lease {
    return this.current;
  }

  renewed(lease: Lease): void {
    this.current = lease;
  }

  markLost(reason: LeaseLossReason): void {
    if (this.lossReason) return;
    this.lossReason = reason;
    this.abort.abort(new LeaseLostError(this.current.name, reason));
  }
}
