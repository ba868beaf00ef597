import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Platform } from '@ledger/domain';
import { PlatformApiError } from './errors';
import { GRAPH_PLATFORM_LABELS } from './meta/graph-errors';

/** The deadline and body size every outbound platform call gets (PLATFORM_HTTP_* settings). */
export interface PlatformHttpLimits {
  /** From sending the request to the last byte of the answer. */
  timeoutMs: number;
  /** An answer longer than this is refused unread: no platform answer we read is near 1 MiB. */
  maxBodyBytes: number;
}

export const DEFAULT_PLATFORM_HTTP_LIMITS: PlatformHttpLimits = {
  timeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
};

let limits: PlatformHttpLimits = DEFAULT_PLATFORM_HTTP_LIMITS;

/** Sets the process-wide limits, once at startup from the configuration. */
export function configurePlatformHttp(next: PlatformHttpLimits): void {
  limits = { ...next };
}

export function platformHttpLimits(): PlatformHttpLimits {
  return limits;
}

/** An answer longer than the body limit: refused, its connection closed, nothing of it kept. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBodyBytes: number) {
    super(`The answer exceeded ${maxBodyBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * An HTTP request with a deadline over the whole exchange (connect, headers, body) and a size
 * limit on the body, which it reads in full: the Response it answers is already buffered, so
 * reading it can neither hang nor grow without bound. On the deadline or the limit the socket
 * is destroyed, never left to the platform. Throws a `TimeoutError`, ResponseTooLargeError or,
 * as fetch does, a `TypeError` whose `cause` is the network error. Node's own client rather than fetch: an aborted fetch may keep the
 * socket open. `timeoutMs` overrides the configured deadline; redirects are not followed.
 */
export function boundedFetch(
  url: string | URL,
  init: BoundedRequest,
  timeoutMs: number = limits.timeoutMs,
): Promise<Response> {
  const { maxBodyBytes } = limits;
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method: init.method ?? 'GET', headers: init.headers });
    const timer = setTimeout(() => req.destroy(timeoutError(timeoutMs)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      // Network errors shaped as fetch's (`TypeError` with the system error as `cause`): the
      // callers tell "never sent" (ECONNREFUSED, ENOTFOUND) from "maybe sent" by that code.
      const ours = error instanceof ResponseTooLargeError || error.name === 'TimeoutError';
      reject(ours ? error : new TypeError('fetch failed', { cause: error }));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        return req.destroy(new ResponseTooLargeError(maxBodyBytes));
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBodyBytes) req.destroy(new ResponseTooLargeError(maxBodyBytes));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve(bufferedResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
      });
    });
    req.end(init.body);
  });
}

/** What boundedFetch sends: the subset of fetch's options the platform clients use. */
export interface BoundedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accepted for fetch compatibility: redirects are never followed. */
  redirect?: 'error';
}

function bufferedResponse(status: number, raw: IncomingHttpHeaders, body: Buffer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, v);
    }
  }
  const empty = body.length === 0 || [204, 205, 304].includes(status);
  // A copy typed as a plain ArrayBuffer view, which every BodyInit typing (Node's, the DOM's) takes.
  return new Response(empty ? null : Uint8Array.from(body), { status, headers });
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`No answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** What a failed bounded request says, for messages: never the URL, the body or a token. */
export function unansweredReason(cause: unknown): string {
  if (cause instanceof ResponseTooLargeError) {
    return `answered more than ${cause.maxBodyBytes} bytes`;
  }
  // By name: fetch's DOMException may come from another realm than this module's Error.
  const name = (cause as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'did not answer in time';
  return 'could not be reached';
}

/**
 * A platform API call through boundedFetch. A request that gets no usable answer (refused,
 * unresolvable, timed out, too large) is a transient `PLATFORM_UNAVAILABLE`: "<Platform> API
 * could not be reached". HTTP error statuses are the caller's to classify.
 */
export async function fetchPlatformApi(
  platform: Platform,
  url: string | URL,
  init: BoundedRequest & { timeoutMs?: number },
): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  try {
    return await boundedFetch(url, rest, timeoutMs);
  } catch (cause) {
    throw new PlatformApiError(
      'PLATFORM_UNAVAILABLE',
      platform,
      `${GRAPH_PLATFORM_LABELS[platform]} API ${unansweredReason(cause)}`,
      null,
      null,
      { cause: safeCause(cause) },
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
