import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '@ledger/commands';
import type { AcquireOptions, Lease, LeaseStore } from '../lease-store.port';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * Wraps a store so a test can cut one "worker" off from it, as if its process froze or its
 * network went: every call fails while `down`.
 */
export class SeverableLeaseStore implements LeaseStore {
  down = false;
  readonly calls: string[] = [];
  constructor(private readonly inner: LeaseStore) {}

  acquire(
    name: string,
    holder: string,
    ttlMs: number,
    now: Date,
    options?: AcquireOptions,
  ): Promise<Lease | null> {
    return this.pass('acquire', () => this.inner.acquire(name, holder, ttlMs, now, options));
  }
  renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null> {
    return this.pass('renew', () => this.inner.renew(lease, ttlMs, now));
  }
  release(lease: Lease): Promise<void> {
    return this.pass('release', () => this.inner.release(lease));
  }

  private async pass<T>(operation: string, call: () => Promise<T>): Promise<T> {
    this.calls.push(operation);
    if (this.down) throw new Error(`store unreachable (${operation})`);
    return call();
  }
}

/** Polls `condition` every few milliseconds until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise the test resolves by hand. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
