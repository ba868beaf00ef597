import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError, PLANS, type DomainErrorCode, type Plan } from '@ledger/domain';
import { isStorageFull, WrongExpectedRevisionError } from '@ledger/event-store';
import { PlatformError } from '@ledger/platforms';
import { fromPlatformError } from './platform-problem';
import { ProblemException, type ProblemInit } from './problem';
import { RateLimitExceededError } from './rate-limit-exceeded.error';

/** HTTP status and title for each domain refusal (ARCHITECTURE.md, "Errors"). */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, { status: number; title: string }> = {
  NOT_FOUND: { status: 404, title: 'Not found' },
  ALREADY_CONNECTED: { status: 409, title: 'Account already connected' },
  LINKED_ACCOUNT_REQUIRED: { status: 409, title: 'Linked account not connected' },
  NO_MAIN_ACCOUNT: { status: 409, title: 'No main account to choose' },
  POST_TOO_LONG: { status: 422, title: 'Post too long for this account' },
  MEDIA_REQUIRED: { status: 422, title: 'This platform needs an image or video' },
  PLAN_LIMIT_REACHED: { status: 402, title: 'Plan limit reached' },
  ALREADY_CONNECTED_ELSEWHERE: { status: 409, title: 'Account connected in another workspace' },
  CONNECTION_EXPIRED: { status: 409, title: 'Connection expired' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition failed' },
  INSUFFICIENT_PERMISSIONS: { status: 403, title: 'Insufficient platform permissions' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'Account not found at the platform' },
  ACCOUNT_TYPE_NOT_SUPPORTED: { status: 422, title: 'Account type not supported' },
  RECONNECT_ACCOUNT_MISMATCH: { status: 409, title: 'Reconnected a different account' },
  COPY_ACCOUNT_MISMATCH: { status: 409, title: 'Signed in without the account being copied' },
  INVALID_STATE_TRANSITION: { status: 409, title: 'Invalid state transition' },
};

/** Codes for HTTP statuses that do not come from the domain. */
const STATUS_CODE_NAMES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  412: 'PRECONDITION_FAILED',
  429: 'RATE_LIMIT_EXCEEDED',
};

/** Member names of RFC 9457 that details must never overwrite. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code']);

export interface MappedProblem extends ProblemInit {
  /** The cause must be logged server-side (5xx): the consumer only sees a generic detail. */
  internal: boolean;
  /** The outcome is a decision of the domain (safe to replay for an idempotent retry). */
  domainOutcome: boolean;
}

/** Turns anything thrown while handling a request into the problem the consumer sees. */
export function mapToProblem(exception: unknown): MappedProblem {
  if (isStorageFull(exception)) return storageUnavailable();
  if (exception instanceof ProblemException) {
    return { ...exception.problem, internal: false, domainOutcome: false };
  }
  if (exception instanceof DomainError) return fromDomainError(exception);
  if (exception instanceof PlatformError) return fromPlatformError(exception);
  if (exception instanceof RateLimitExceededError) {
    return {
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      title: 'Too many requests',
      detail: exception.message,
      extensions: {
        ...safeExtensions(exception.details),
        retryAfterSeconds: exception.retryAfterSeconds,
      },
      headers: { 'Retry-After': String(exception.retryAfterSeconds) },
      internal: false,
      domainOutcome: false,
    };
  }
  if (exception instanceof WrongExpectedRevisionError) {
    // A racing write changed the resource between read and append: same answer as a stale If-Match.
    return {
      status: 412,
      code: 'PRECONDITION_FAILED',
      title: DOMAIN_ERROR_STATUS.PRECONDITION_FAILED.title,
      detail: 'The resource was changed by another request; reload it and retry',
      internal: false,
      // A lost race, not a decision: a retry with the same Idempotency-Key must run again.
      domainOutcome: false,
    };
  }
  if (exception instanceof HttpException) {
    return fromStatus(exception.getStatus(), exception.message);
  }
  const httpError = asClientHttpError(exception);
  if (httpError) return fromStatus(httpError.status, httpError.message);
  return internalError();
}

function fromDomainError(error: DomainError): MappedProblem {
  const { status, title } = DOMAIN_ERROR_STATUS[error.code] ?? { status: 409, title: 'Conflict' };
  const extensions = safeExtensions(error.details);
  if (error.code === 'PLAN_LIMIT_REACHED') {
    const plan = error.details.plan as Plan | undefined;
    const higher = plan ? PLANS.slice(PLANS.indexOf(plan) + 1) : [...PLANS];
    extensions.upgrade = {
      hint: 'Upgrade the workspace plan to connect more accounts on this platform',
      plans: higher,
    };
  }
  return {
    status,
    code: error.code,
    title,
    detail: error.message,
    extensions,
    internal: false,
    domainOutcome: true,
  };
}

function fromStatus(status: number, message: string): MappedProblem {
  if (status >= 500) return { ...internalError(), status };
  const code =
    STATUS_CODE_NAMES[status] ??
    (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return {
    status,
    code,
    title: STATUS_CODES[status] ?? 'Error',
    detail: safeClientMessage(status, message),
    extensions: status === 400 ? { errors: [] } : undefined,
    headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined,
    internal: false,
    domainOutcome: false,
  };
}

/**
 * A JSON parser reports bad JSON with a snippet of the body in the message (which may hold a
 * secret), so that message is replaced.
 */
function safeClientMessage(status: number, message: string): string {
  if (status === 400 && /JSON/i.test(message)) return 'The request body is not valid JSON';
  if (status === 403 && message === 'Forbidden resource') return 'You are not allowed to do this';
  return message;
}

/** Code of the answer to a write that failed for lack of storage space (nothing was changed). */
export const STORAGE_UNAVAILABLE = 'STORAGE_UNAVAILABLE';

function storageUnavailable(): MappedProblem {
  return {
    status: 503,
    code: STORAGE_UNAVAILABLE,
    title: 'Storage unavailable',
    detail: 'The service has no storage space left; nothing was changed. Retry later.',
    headers: { 'Retry-After': '30' },
    // Logged with its cause: an operator has to free space.
    internal: true,
    domainOutcome: false,
  };
}

function internalError(): MappedProblem {
  return {
    status: 500,
    code: 'INTERNAL_ERROR',
    title: 'Internal server error',
    detail:
      'An unexpected error occurred; it has been logged. Retry later or report the correlation id.',
    internal: true,
    domainOutcome: false,
  };
}

function safeExtensions(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !RESERVED.has(key)));
}

/**
 * Errors of the HTTP framework before a route runs (Fastify's body parsing: a body too large,
 * malformed JSON, an unsupported media type) carry a 4xx `statusCode`, with a `FST_ERR_` code
 * or, for malformed JSON, as the parser's SyntaxError (whose message quotes the body:
 * safeClientMessage replaces it). Errors in the http-errors style (`status`, `expose: true`)
 * are taken too.
 */
function asClientHttpError(exception: unknown): { status: number; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const candidate = exception as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const status = isClientStatus(candidate.status)
    ? candidate.expose === true
      ? candidate.status
      : undefined
    : isClientStatus(candidate.statusCode) &&
        ((typeof candidate.code === 'string' && candidate.code.startsWith('FST_ERR_')) ||
          exception instanceof SyntaxError)
      ? candidate.statusCode
      : undefined;
  if (status === undefined) return undefined;
  const message = exception instanceof SyntaxError ? 'JSON' : String(candidate.message ?? '');
  return { status, message };
}

function isClientStatus(value: unknown): value is number {
  return typeof value === 'number' && value >= 400 && value < 500;
}
