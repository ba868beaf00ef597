import type { Platform } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';
import { PlatformApiError } from '../errors';
import { GRAPH_PLATFORM_LABELS } from '../meta/graph-errors';
import { accountGoneReason, classifyPlatformFailure, tokenDeadReason } from '../platform-failure';

/** What a publisher needs of the connection a post goes out through. */
export interface PublishTarget {
  /** The platform's account id (X user id, Page id, Threads user id, LinkedIn URN...). */
  accountId: string;
  accountType: string;
}

export interface PublishRequest {
  tokens: ConnectionTokens;
  connection: PublishTarget;
  content: string;
}

export interface PublishedPost {
  /** The platform's id of the new post (tweet id, `{page}_{post}` id, LinkedIn share URN...). */
  platformPostId: string;
}

/**
 * Publishes a text post to one platform through a connection's tokens. Rejects with a
 * PlatformApiError (transient, token, permission or account failures: see `publishOutcome`),
 * or a PostRejectedError when the platform refused this post itself (duplicate, too long,
 * a platform that cannot publish text alone). Messages never carry a token.
 */
export interface PostPublisher {
  readonly platform: Platform;
  publish(request: PublishRequest): Promise<PublishedPost>;
}

/**
 * The platform (or the publisher, for what a platform cannot publish) refused this post: it
 * will not be published by trying again. `reason` is for the user: the platform's own words
 * when they are plain, never a token.
 */
export class PostRejectedError extends Error {
  constructor(
    readonly platform: Platform,
    reason: string,
    readonly status: number | null,
  ) {
    super(reason);
    this.name = 'PostRejectedError';
  }
}

/**
 * The request went out but no answer came back (timeout, connection reset): the platform may
 * or may not have published the post. A publisher that promises at most once must not retry.
 */
export class PublishOutcomeUnknownError extends PlatformApiError {
  constructor(platform: Platform, options?: { cause?: unknown }) {
    super(
      'PLATFORM_UNAVAILABLE',
      platform,
      `${GRAPH_PLATFORM_LABELS[platform]} did not answer while publishing: the post may or may not be live`,
      null,
      null,
      options,
    );
  }
}

/**
 * What the publish job makes of a failed publish:
 * - `retry`: the platform did not take the post and may later (5xx, rate limit, refused
 *   connection); the post stays scheduled, retried with backoff, not before `retryAt`.
 * - `unknown`: the request may have reached the platform; at most once, so the post fails.
 * - `expired`: the token is dead; the post fails and the connection becomes `expired`.
 * - `error`: permissions withdrawn or the account gone; the post fails, the connection `error`.
 * - `rejected`: the platform refused this post; the post fails with the platform's reason.
 * `reason` is the post's (and, for expired/error, the connection's) status reason.
 */
export type PublishOutcome =
  | { kind: 'retry'; reason: string; retryAt: Date | null }
  | { kind: 'unknown'; reason: string }
  | { kind: 'expired'; reason: string }
  | { kind: 'error'; reason: string }
  | { kind: 'rejected'; reason: string };

export function publishOutcome(error: unknown): PublishOutcome {
  if (error instanceof PostRejectedError) return { kind: 'rejected', reason: error.message };
  if (error instanceof PublishOutcomeUnknownError) {
    return {
      kind: 'unknown',
      reason: `${error.message}: check the account before scheduling it again.`,
    };
  }
  const failure = classifyPlatformFailure(error);
  switch (failure.kind) {
    case 'unexpected':
      return {
        kind: 'retry',
        reason: 'Publishing failed unexpectedly: it will be retried.',
        retryAt: null,
      };
    case 'token_dead':
      return { kind: 'expired', reason: tokenDeadReason(failure.label) };
    case 'permissions_revoked':
      return {
        kind: 'error',
        reason: `${failure.label} no longer grants the permissions publishing needs: reconnect the account and approve every permission.`,
      };
    case 'account_gone':
      return { kind: 'error', reason: accountGoneReason(failure.label) };
    case 'rate_limited':
      return {
        kind: 'retry',
        reason: `${failure.label} is limiting requests: publishing will be retried.`,
        retryAt: failure.retryAt,
      };
    case 'unavailable':
      return {
        kind: 'retry',
        reason: `${failure.label} could not publish right now: it will be retried.`,
        retryAt: failure.retryAt,
      };
  }
}

/** Platforms that publish nothing without media: the publisher refuses, once and for all. */
export class MediaRequiredPublisher implements PostPublisher {
  constructor(
    readonly platform: Platform,
    private readonly reason: string,
  ) {}

  publish(): Promise<PublishedPost> {
    return Promise.reject(new PostRejectedError(this.platform, this.reason, null));
  }
}

/**
 * A platform's free-text error message, kept only when it is plain and short, with anything
 * that looks like a token or URL removed; null otherwise. Used for content refusals, where the
 * platform's words ("duplicate content") are what the user needs.
 */
export function plainReason(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(/https?:\/\/\S+/g, '[link]')
    .replace(/[A-Za-z0-9_\-.~+/=]{32,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length === 0) return null;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/**
 * A fetch that failed before any answer. Refused or unresolvable connections never reached the
 * platform (safe to retry); anything else (timeout, reset) might have.
 */
export function requestFailed(platform: Platform, what: string, cause: unknown): PlatformApiError {
  const code = (cause as { cause?: { code?: unknown } } | null)?.cause?.code;
  const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  const safe = new Error(typeof code === 'string' ? code : 'network error');
  if (!neverSent) return new PublishOutcomeUnknownError(platform, { cause: safe });
  return new PlatformApiError(
    'PLATFORM_UNAVAILABLE',
    platform,
    `${GRAPH_PLATFORM_LABELS[platform]} API could not be reached while ${what}`,
    null,
    null,
    { cause: safe },
  );
}
