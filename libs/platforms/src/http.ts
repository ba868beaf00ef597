import type { Platform } from '@ledger/domain';
import { PlatformApiError } from './errors';
import { GRAPH_PLATFORM_LABELS } from './meta/graph-errors';

/**
 * `fetch` with a timeout, for the platform API clients. A request that gets no answer at all
 * (refused, unresolvable, timed out) is a transient `PLATFORM_UNAVAILABLE`: "<Platform> API
 * could not be reached". HTTP error statuses are the caller's to classify.
 */
export async function fetchPlatformApi(
  platform: Platform,
  url: string | URL,
  init: RequestInit & { timeoutMs: number },
): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  try {
    return await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new PlatformApiError(
      'PLATFORM_UNAVAILABLE',
      platform,
      `${GRAPH_PLATFORM_LABELS[platform]} API could not be reached`,
      null,
      null,
      { cause },
    );
  }
}

/** The answer's body parsed as JSON; null when empty, unreadable or not JSON. */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

/** `Retry-After` as a number of seconds from now; null when absent or unusable. */
export function retryAfterSeconds(response: Response): Date | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
}

/** A reset header sent as epoch seconds (X's `x-rate-limit-reset`); null when unusable. */
export function epochSecondsHeader(response: Response, name: string): Date | null {
  const seconds = Number(response.headers.get(name));
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

/**
 * fetch's network errors name the host and port but not the query; keep only their name and
 * system code anyway, so a future runtime that puts the URL in them leaks nothing.
 */
export function safeCause(cause: unknown): Error {
  const inner = (cause as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof inner?.code === 'string' ? inner.code : null;
  const name = cause instanceof Error ? cause.name : 'Error';
  const error = new Error(code ? `${name}: ${code}` : name);
  error.name = name;
  return error;
}

/** A JSON field that should be a non-empty string; null otherwise. */
export function nonEmptyText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
