/**
 * Leases (ARCHITECTURE.md, "Scaling out" and "Security"): each projection and scheduled job,
 * and each connection's token refresh, is run by exactly one process at a time; when that
 * process dies its lease expires and another takes over.
 *
 * Names are free-form strings such as `projection:connections`, `job:token-refresh` and
 * `refresh:<connectionId>`.
 */

/** A lease on `name`, held by `holder` until `expiresAt` unless renewed. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /**
   * Fencing token: strictly increasing per name over every acquisition ever made (a release
   * or an expiry never lets a token be handed out again). Renewals keep it. A write guarded by
   * a lease can carry its token, so a store that remembers the highest token it saw refuses a
   * holder that lost its lease without knowing it.
   */
  readonly token: number;
  readonly expiresAt: Date;
}

/** How an acquirer may judge the current holder. */
export interface AcquireOptions {
  /**
   * Asked about the holder of an unexpired, unreleased lease on the name: true means that
   * holder is known dead (a process on this machine that no longer runs, see
   * `holderIsGone`), so its lease counts as free and is taken over at once, with the next
   * token, exactly as after an expiry. Asked inside the store's atomic step, about the state
   * the acquisition replaces.
   */
  holderIsGone?: (holder: string) => boolean;
}

/**
 * Where leases live, shared by every process that competes for them. All operations are
 * atomic across processes sharing the store. Time is passed in (each caller's clock); a lease
 * is held while `now < expiresAt`.
 */
export interface LeaseStore {
  /**
   * Takes the lease on `name` for `ttlMs` from `now`, with the next fencing token, only when
   * nobody holds an unexpired lease on it (released, expired, never taken, or its holder is
   * gone by `options.holderIsGone`); otherwise resolves to null. Not reentrant: the current
   * holder acquiring again also gets null. Of any number of racing acquirers, at most one wins.
   */
  acquire(
    name: string,
    holder: string,
    ttlMs: number,
    now: Date,
    options?: AcquireOptions,
  ): Promise<Lease | null>;

  /**
   * Extends `lease` to `now + ttlMs`, keeping its token, only when it is still the current
   * lease on its name (same token and holder, not released) and has not expired at `now`;
   * otherwise resolves to null and the caller must stop acting under it.
   */
  renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null>;

  /**
   * Frees the lease so the next acquire succeeds at once, only if it is still the current
   * lease on its name (same token); otherwise does nothing (someone took over meanwhile).
   */
  release(lease: Lease): Promise<void>;
}

/** Shared argument checks of every adapter. */
export function assertLeaseArguments(name: string, holder: string, ttlMs: number): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError('A lease needs a non-empty name');
  }
  if (typeof holder !== 'string' || holder.length === 0) {
    throw new RangeError(`A lease on ${name} needs a non-empty holder`);
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`A lease on ${name} needs a positive ttl: ${ttlMs}`);
  }
}

export function assertValidNow(now: Date): number {
  const ms = now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`Not a valid instant: ${String(now)}`);
  return ms;
}
