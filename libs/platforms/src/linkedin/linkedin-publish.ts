import { PlatformApiError } from '../errors';
import { readJsonBody, retryAfterSeconds, boundedFetch } from '../http';
import {
  plainReason,
  PostRejectedError,
  requestFailed,
  type PostPublisher,
  type PublishedPost,
  type PublishRequest,
} from '../publish/post-publisher';
import { DEFAULT_LINKEDIN_VERSION } from './linkedin-identity-client';

export interface LinkedInPublisherOptions {
  /** LinkedIn API base, e.g. https://api.linkedin.com (LINKEDIN_API_URL). */
  apiUrl: string;
  /** `LinkedIn-Version` (YYYYMM). */
  linkedinVersion?: string;
  timeoutMs?: number;
}

const AUTHOR = /^urn:li:(person|organization):[\w-]{1,64}$/;

/**
 * LinkedIn Posts API: `POST /rest/posts` with `LinkedIn-Version` and
 * `X-Restli-Protocol-Version: 2.0.0`, body `{author, commentary, visibility: PUBLIC,
 * distribution: {feedDistribution: MAIN_FEED, targetEntities: [], thirdPartyDistributionChannels: []},
 * lifecycleState: PUBLISHED, isReshareDisabledByAuthor: false}`. The author is the connection's
 * URN: `urn:li:person:{id}` (w_member_social) or `urn:li:organization:{id}`
 * (w_organization_social). LinkedIn answers `201` with the new post's URN in `x-restli-id`.
 * Commentary is "little text" format: reserved characters are escaped with a backslash.
 */
export class LinkedInPostPublisher implements PostPublisher {
  readonly platform = 'linkedin' as const;
  private readonly url: string;
  private readonly version: string;
  private readonly timeoutMs: number;

  constructor(options: LinkedInPublisherOptions) {
    this.url = `${options.apiUrl.replace(/\/+$/, '')}/rest/posts`;
    this.version = options.linkedinVersion ?? DEFAULT_LINKEDIN_VERSION;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async publish({ tokens, connection, content }: PublishRequest): Promise<PublishedPost> {
    if (!AUTHOR.test(connection.accountId)) {
      throw new PostRejectedError(
        'linkedin',
        'This LinkedIn connection names no member or organization to post as: reconnect it.',
        null,
      );
    }
    let response: Response;
    try {
      response = await boundedFetch(
        this.url,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${tokens.accessToken}`,
            'Content-Type': 'application/json',
            'LinkedIn-Version': this.version,
            'X-Restli-Protocol-Version': '2.0.0',
          },
          body: JSON.stringify({
            author: connection.accountId,
            commentary: littleText(content),
            visibility: 'PUBLIC',
            distribution: {
              feedDistribution: 'MAIN_FEED',
              targetEntities: [],
              thirdPartyDistributionChannels: [],
            },
            lifecycleState: 'PUBLISHED',
            isReshareDisabledByAuthor: false,
          }),
          redirect: 'error',
        },
        this.timeoutMs,
      );
    } catch (cause) {
      throw requestFailed('linkedin', 'publishing', cause);
    }
    if (!response.ok) {
      const body = (await readJsonBody(response)) as {
        message?: unknown;
        serviceErrorCode?: unknown;
      } | null;
      throw failure(response, body);
    }
    const id = response.headers.get('x-restli-id') ?? '';
    if (!/^urn:li:(share|ugcPost):\d{1,30}$/.test(id)) {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'linkedin',
        'LinkedIn answered POST /rest/posts without a post URN',
        response.status,
      );
    }
    return { platformPostId: id };
  }
}

/** LinkedIn's "little text": these characters are markup unless escaped. */
export function littleText(text: string): string {
  return text.replace(/[\\|{}@[\]()<>#*_~]/g, (c) => `\\${c}`);
}

function failure(
  response: Response,
  body: { message?: unknown; serviceErrorCode?: unknown } | null,
): Error {
  const status = response.status;
  const said = plainReason(body?.message);
  switch (status) {
    case 401:
      return new PlatformApiError(
        'TOKEN_INVALID',
        'linkedin',
        'LinkedIn rejected the access token (invalid, expired or revoked)',
        status,
      );
    case 403:
      return new PlatformApiError(
        'INSUFFICIENT_PERMISSIONS',
        'linkedin',
        'LinkedIn refused: the token may not post as this member or organization',
        status,
      );
    case 404:
      return new PlatformApiError(
        'ACCOUNT_NOT_FOUND',
        'linkedin',
        'LinkedIn says the author does not exist',
        status,
      );
    case 429:
      return new PlatformApiError(
        'PLATFORM_RATE_LIMITED',
        'linkedin',
        'LinkedIn rate limit reached',
        status,
        retryAfterSeconds(response),
      );
    default:
      if (status >= 400 && status < 500) {
        return new PostRejectedError(
          'linkedin',
          `LinkedIn refused the post: ${said ?? `HTTP ${status}`}`,
          status,
        );
      }
      return new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'linkedin',
        `LinkedIn API failed with HTTP ${status}`,
        status,
      );
  }
}
