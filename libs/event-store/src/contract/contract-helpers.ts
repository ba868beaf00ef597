import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventToAppend, RecordedEvent } from '../event-store.port';

/** Unique per test, so the suite also runs against a shared EventStoreDB. */
export function uniqueStream(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { userId: 'user-1', role: 'admin', ip: '203.0.113.7', userAgent: 'contract-test' },
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
    ...overrides,
  };
}

export function anEvent(type = 'TestHappened', data: Record<string, unknown> = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata: metadata() };
}

export function events(count: number, type = 'TestHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => anEvent(type, { i }));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Polls briefly instead of sleeping a fixed time; fails with `what` when it never holds. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `stream@revision`, a readable identity for order assertions. */
export function ref(event: Pick<RecordedEvent, 'streamId' | 'revision'>): string {
  return `${event.streamId}@${event.revision}`;
}

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
