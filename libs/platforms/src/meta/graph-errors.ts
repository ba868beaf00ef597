import type { Platform } from '@ledger/domain';
import { PlatformApiError, type PlatformApiErrorCode } from '../errors';

/**
 * The `error` object of a Graph API error body, the same on graph.facebook.com,
 * graph.instagram.com and graph.threads.net:
 * `{error:{message, type, code, error_subcode, is_transient, fbtrace_id}}`.
 */
export interface GraphErrorDetail {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
  is_transient?: unknown;
  fbtrace_id?: unknown;
}

/** What Meta said, kept on the error for support and health checks (no free text: it is Meta's). */
export interface GraphErrorFacts {
  code: number | null;
  subcode: number | null;
  type: string | null;
  /** Meta's support id for this failure: quote it when reporting a Graph bug. */
  fbtraceId: string | null;
}

/** A Graph API call failed; `graph` carries Meta's code, subcode and trace id. */
export class GraphApiError extends PlatformApiError {
  constructor(
    code: PlatformApiErrorCode,
    platform: Platform,
    message: string,
    status: number | null,
    retryAt: Date | null,
    readonly graph: GraphErrorFacts,
    options?: { cause?: unknown },
  ) {
    super(code, platform, message, status, retryAt, options);
  }
}

/** Access token expired, revoked, invalid; 102 is the older "API session" variant. */
const TOKEN_CODES = new Set([102, 190]);
/** 4 app, 17 user, 32 Page, 613 custom rate limits; 341 app limit; 80001-80099 business use case limits. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
/** 1 "API Unknown" and 2 "API Service": Meta's own temporary failures. */
const OUTAGE_CODES = new Set([1, 2]);

/** Where Graph error codes land in the contract's codes. Exported for tests and other Meta clients. */
export function graphErrorCode(
  facts: Pick<GraphErrorFacts, 'code' | 'subcode'>,
  status: number,
  isTransient = false,
): PlatformApiErrorCode {
  const { code, subcode } = facts;
  if (code !== null) {
    if (TOKEN_CODES.has(code)) return 'TOKEN_INVALID';
    if (code === 10 || code === 3 || (code >= 200 && code <= 299)) {
      return 'INSUFFICIENT_PERMISSIONS';
    }
    if (RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80099)) {
      return 'PLATFORM_RATE_LIMITED';
    }
    if (code === 803 || (code === 100 && subcode === 33)) return 'ACCOUNT_NOT_FOUND';
    if (OUTAGE_CODES.has(code) || isTransient) return 'PLATFORM_UNAVAILABLE';
  }
  if (isTransient || status >= 500) return 'PLATFORM_UNAVAILABLE';
  switch (status) {
    case 401:
      return 'TOKEN_INVALID';
    case 403:
      return 'INSUFFICIENT_PERMISSIONS';
    case 404:
      return 'ACCOUNT_NOT_FOUND';
    case 429:
      return 'PLATFORM_RATE_LIMITED';
    default:
      // An unrecognised refusal (e.g. a malformed request of ours): not the account's fault.
      return 'PLATFORM_UNAVAILABLE';
  }
}

export const GRAPH_PLATFORM_LABELS: Record<Platform, string> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
  x: 'X',
  tiktok: 'TikTok',
  linkedin: 'LinkedIn',
};

/**
 * Turns a failed Graph response (status, parsed body or null, headers) into a typed error.
 * `what` names the call in the message (e.g. "listing Pages"). Meta's `message` is not
 * copied: it is free text from outside and may echo request parameters.
 */
export function classifyGraphError(
  platform: Platform,
  what: string,
  status: number,
  body: unknown,
  headers: Headers,
  now: Date,
): GraphApiError {
  const detail = graphErrorDetail(body);
  const facts: GraphErrorFacts = {
    code: integer(detail?.code),
    subcode: integer(detail?.error_subcode),
    type: typeof detail?.type === 'string' && /^\w{1,64}$/.test(detail.type) ? detail.type : null,
    fbtraceId:
      typeof detail?.fbtrace_id === 'string' && /^[\w+/=-]{1,64}$/.test(detail.fbtrace_id)
        ? detail.fbtrace_id
        : null,
  };
  const code = graphErrorCode(facts, status, detail?.is_transient === true);
  const retryAt = code === 'PLATFORM_RATE_LIMITED' ? rateLimitRetryAt(headers, now) : null;
  return new GraphApiError(
    code,
    platform,
    `${describe(code, GRAPH_PLATFORM_LABELS[platform])} while ${what} (${reference(status, facts)})`,
    status,
    retryAt,
    facts,
  );
}

function describe(code: PlatformApiErrorCode, label: string): string {
  switch (code) {
    case 'TOKEN_INVALID':
      return `${label} rejected the access token (expired, revoked or invalid)`;
    case 'INSUFFICIENT_PERMISSIONS':
      return `${label} refused: a permission is missing or was removed`;
    case 'ACCOUNT_NOT_FOUND':
      return `${label} says the object does not exist or cannot be seen`;
    case 'PLATFORM_RATE_LIMITED':
      return `${label} rate limit reached`;
    case 'PLATFORM_UNAVAILABLE':
      return `${label} API failed`;
  }
}

function reference(status: number, facts: GraphErrorFacts): string {
  const parts = [`HTTP ${status}`];
  if (facts.code !== null) {
    parts.push(`Graph error ${facts.code}${facts.subcode !== null ? `/${facts.subcode}` : ''}`);
  }
  if (facts.fbtraceId) parts.push(`fbtrace_id ${facts.fbtraceId}`);
  return parts.join(', ');
}

/** The `error` object of a Graph body, or null when the body is not one. */
export function graphErrorDetail(body: unknown): GraphErrorDetail | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GraphErrorDetail) : null;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

/**
 * Meta announces when a throttled caller regains access in `X-Business-Use-Case-Usage`
 * (`{"<id>":[{"type":"pages","estimated_time_to_regain_access":<minutes>,...}]}`) and, for
 * Instagram and Threads, sometimes `Retry-After`. Null when it says nothing usable.
 */
export function rateLimitRetryAt(headers: Headers, now: Date): Date | null {
  let minutes = 0;
  const usage = headers.get('x-business-use-case-usage');
  if (usage) {
    try {
      const parsed = JSON.parse(usage) as Record<string, unknown>;
      for (const entries of Object.values(parsed)) {
        if (!Array.isArray(entries)) continue;
        for (const entry of entries as { estimated_time_to_regain_access?: unknown }[]) {
          const m = Number(entry?.estimated_time_to_regain_access);
          if (Number.isFinite(m) && m > minutes) minutes = m;
        }
      }
    } catch {
      // A malformed header tells us nothing.
    }
  }
  if (minutes > 0) return new Date(now.getTime() + minutes * 60_000);
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) {
    return new Date(now.getTime() + retryAfter * 1000);
  }
  return null;
}
