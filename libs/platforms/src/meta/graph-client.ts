import type { Platform } from '@ledger/domain';
import { readJsonBody, safeCause, boundedFetch, unansweredReason } from '../http';
import { GRAPH_PLATFORM_LABELS, GraphApiError, classifyGraphError } from './graph-errors';

export interface GraphClientOptions {
  platform: Platform;
  /** Versioned Graph base, e.g. https://graph.facebook.com/v26.0 (`<PLATFORM>_API_URL`). */
  apiUrl: string;
  timeoutMs?: number;
  now?: () => Date;
}

export interface GraphRequest {
  /** Path under the versioned base, e.g. `me/accounts`. */
  path: string;
  query?: Record<string, string>;
  /**
   * Sent as `Authorization: Bearer`, never in the URL (URLs end up in proxies and logs).
   * Null for calls that authenticate by parameters (the long-lived token exchanges).
   */
  accessToken: string | null;
  /** Names the call in error messages, e.g. "listing Pages". */
  what: string;
}

/** One page of a Graph edge: `{data:[...], paging:{cursors:{before,after}, next?}}`. */
interface GraphEdgePage<T> {
  data?: T[];
  paging?: { cursors?: { after?: unknown }; next?: unknown };
}

/** Pages of an edge followed at most, so a misbehaving cursor cannot loop forever. */
const MAX_EDGE_PAGES = 100;

/**
 * GET requests to one Graph host (Facebook, Instagram or Threads), with Meta's error
 * bodies turned into typed errors. No message ever carries the URL, a token or a secret.
 */
export class GraphClient {
  readonly platform: Platform;
  private readonly base: string;
  private readonly timeoutMs: number | undefined;
  private readonly now: () => Date;

  constructor(options: GraphClientOptions) {
    this.platform = options.platform;
    this.base = `${options.apiUrl.replace(/\/+$/, '')}/`;
    this.timeoutMs = options.timeoutMs; // undefined: the configured deadline
    this.now = options.now ?? (() => new Date());
  }

  async get<T>(request: GraphRequest): Promise<T> {
    const url = new URL(request.path.replace(/^\/+/, ''), this.base);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.accessToken !== null) headers.Authorization = `Bearer ${request.accessToken}`;
    let response: Response;
    try {
      response = await boundedFetch(
        url,
        {
          headers,
          redirect: 'error',
        },
        this.timeoutMs,
      );
    } catch (cause) {
      throw this.unavailable(
        `${unansweredReason(cause)} while ${request.what}`,
        null,
        safeCause(cause),
      );
    }
    const body = await readJsonBody(response);
    const hasError = typeof body === 'object' && body !== null && 'error' in body;
    if (!response.ok || hasError) {
      throw classifyGraphError(
        this.platform,
        request.what,
        response.status,
        body,
        response.headers,
        this.now(),
      );
    }
    if (typeof body !== 'object' || body === null) {
      throw this.unavailable(`answered without JSON while ${request.what}`, response.status);
    }
    return body as T;
  }

  /**
   * Every item of a cursor-paged edge. Follows `paging.cursors.after` while Meta announces a
   * `paging.next`, rebuilding the request itself: `next` URLs carry the access token in their
   * query string, and are not followed blindly to wherever they point.
   */
  async getAll<T>(request: GraphRequest): Promise<T[]> {
    const items: T[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_EDGE_PAGES; page += 1) {
      const query: Record<string, string> = { ...request.query, ...(after ? { after } : {}) };
      const body: GraphEdgePage<T> = await this.get<GraphEdgePage<T>>({ ...request, query });
      if (!Array.isArray(body.data)) {
        throw this.unavailable(`answered without a data list while ${request.what}`, 200);
      }
      items.push(...body.data);
      const next = body.paging?.next;
      const cursor = body.paging?.cursors?.after;
      if (typeof next !== 'string' || !next || typeof cursor !== 'string' || !cursor) {
        return items;
      }
      if (cursor === after) {
        throw this.unavailable(`repeated a paging cursor while ${request.what}`, 200);
      }
      after = cursor;
    }
    throw this.unavailable(`paged past ${MAX_EDGE_PAGES} pages while ${request.what}`, 200);
  }

  unavailable(what: string, status: number | null, cause?: unknown): GraphApiError {
    return new GraphApiError(
      'PLATFORM_UNAVAILABLE',
      this.platform,
      `${GRAPH_PLATFORM_LABELS[this.platform]} API ${what}`,
      status,
      null,
      { code: null, subcode: null, type: null, fbtraceId: null },
      cause === undefined ? undefined : { cause },
    );
  }
}
