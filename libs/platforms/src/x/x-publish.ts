import { PlatformApiError } from '../errors';
import { epochSecondsHeader, readJsonBody, boundedFetch } from '../http';
import {
  plainReason,
  PostRejectedError,
  requestFailed,
  type PostPublisher,
  type PublishedPost,
  type PublishRequest,
} from '../publish/post-publisher';

export interface XPublisherOptions {
  /** X API base, e.g. https://api.x.com (X_API_URL). */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * X API v2 `POST /2/tweets` with `{"text": ...}` and the user's OAuth 2.0 bearer token
 * (`tweet.write`); X answers `201 {data:{id, text}}`. Errors are problem bodies
 * (`{title, detail, type, status}`): 401 dead token; 403 is either a refused post (duplicate
 * content, a policy refusal; detail says so) or a missing permission (`client-forbidden`,
 * "not permitted"); 429 with `x-rate-limit-reset`; 400 invalid request (too long...).
 */
export class XPostPublisher implements PostPublisher {
  readonly platform = 'x' as const;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(options: XPublisherOptions) {
    this.url = `${options.apiUrl.replace(/\/+$/, '')}/2/tweets`;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async publish({ tokens, content }: PublishRequest): Promise<PublishedPost> {
    let response: Response;
    try {
      response = await boundedFetch(
        this.url,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${tokens.accessToken}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: JSON.stringify({ text: content }),
          redirect: 'error',
        },
        this.timeoutMs,
      );
    } catch (cause) {
      throw requestFailed('x', 'publishing', cause);
    }
    const body = (await readJsonBody(response)) as XAnswer | null;
    if (!response.ok) throw failure(response, body);
    const id = body?.data?.id;
    if (typeof id !== 'string' || !/^\d{1,30}$/.test(id)) {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'x',
        'X answered POST /2/tweets without a post id',
        response.status,
      );
    }
    return { platformPostId: id };
  }
}

interface XAnswer {
  data?: { id?: unknown };
  title?: unknown;
  detail?: unknown;
  type?: unknown;
  errors?: { message?: unknown }[];
}

function failure(response: Response, body: XAnswer | null): Error {
  const status = response.status;
  const detail = plainReason(body?.detail) ?? plainReason(body?.errors?.[0]?.message);
  const type = typeof body?.type === 'string' ? body.type : '';
  if (status === 401) {
    return new PlatformApiError(
      'TOKEN_INVALID',
      'x',
      'X rejected the access token (invalid, expired or revoked)',
      status,
    );
  }
  if (status === 403) {
    const permission =
      type.endsWith('/client-forbidden') ||
      type.endsWith('/unsupported-authentication') ||
      /not permitted|scope|suspended|locked/i.test(detail ?? '');
    if (permission) {
      return new PlatformApiError(
        'INSUFFICIENT_PERMISSIONS',
        'x',
        'X refused: the account or token may not publish',
        status,
      );
    }
    return new PostRejectedError('x', `X refused the post: ${detail ?? 'forbidden'}`, status);
  }
  if (status === 404) {
    return new PlatformApiError(
      'ACCOUNT_NOT_FOUND',
      'x',
      'X says the account does not exist',
      status,
    );
  }
  if (status === 429) {
    return new PlatformApiError(
      'PLATFORM_RATE_LIMITED',
      'x',
      'X rate limit reached',
      status,
      epochSecondsHeader(response, 'x-rate-limit-reset'),
    );
  }
  if (status >= 400 && status < 500) {
    return new PostRejectedError('x', `X refused the post: ${detail ?? `HTTP ${status}`}`, status);
  }
  return new PlatformApiError(
    'PLATFORM_UNAVAILABLE',
    'x',
    `X API failed with HTTP ${status}`,
    status,
  );
}
