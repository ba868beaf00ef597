import { PlatformApiError } from '../errors';
import { epochSecondsHeader, fetchPlatformApi, readJsonBody } from '../http';
import type { PlatformAccount, PlatformIdentityClient } from '../platform-definition';

export type XAccountType = 'standard' | 'premium' | 'business';

interface XUser {
  id: string;
  name?: string;
  username: string;
  verified_type?: string;
  profile_image_url?: string;
}

export interface XIdentityClientOptions {
  /** X API base, e.g. https://api.x.com (X_API_URL). */
  apiUrl: string;
  timeoutMs?: number;
}

/** `verified_type` is blue | business | government | none; only blue and business change what X allows. */
export function xAccountType(verifiedType: string | undefined): XAccountType {
  if (verifiedType === 'blue') return 'premium';
  if (verifiedType === 'business') return 'business';
  return 'standard';
}

/** Who an X user access token belongs to, from X API v2 `GET /2/users/me`. */
export class XIdentityClient implements PlatformIdentityClient {
  readonly platform = 'x' as const;
  private readonly url: string;
  private readonly timeoutMs: number | undefined;

  constructor(options: XIdentityClientOptions) {
    const url = new URL(`${options.apiUrl.replace(/\/+$/, '')}/2/users/me`);
    url.searchParams.set('user.fields', 'verified_type,username,name,profile_image_url');
    this.url = url.toString();
    this.timeoutMs = options.timeoutMs; // undefined: the configured deadline
  }

  async fetchIdentities(accessToken: string): Promise<PlatformAccount[]> {
    return [await this.me(accessToken)];
  }

  async me(accessToken: string): Promise<PlatformAccount> {
    const response = await fetchPlatformApi('x', this.url, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      timeoutMs: this.timeoutMs,
    });
    if (!response.ok) throw failure(response);
    const body = (await readJsonBody(response)) as { data?: Partial<XUser> } | null;
    const user = body?.data;
    if (!user || typeof user.id !== 'string' || typeof user.username !== 'string') {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'x',
        'X API answered /2/users/me without a user',
        response.status,
      );
    }
    return {
      accountId: user.id,
      accountName: user.username,
      accountType: xAccountType(user.verified_type),
      ...(user.name ? { displayName: user.name } : {}),
      ...(user.profile_image_url ? { pictureUrl: user.profile_image_url } : {}),
    };
  }
}

function failure(response: Response): PlatformApiError {
  const status = response.status;
  switch (status) {
    case 401:
      return new PlatformApiError(
        'TOKEN_INVALID',
        'x',
        'X rejected the access token (invalid, expired or revoked)',
        status,
      );
    case 403:
      return new PlatformApiError(
        'INSUFFICIENT_PERMISSIONS',
        'x',
        'X refused: the token lacks the required scopes',
        status,
      );
    case 404:
      return new PlatformApiError(
        'ACCOUNT_NOT_FOUND',
        'x',
        'X says the account does not exist',
        status,
      );
    case 429:
      return new PlatformApiError(
        'PLATFORM_RATE_LIMITED',
        'x',
        'X rate limit reached',
        status,
        epochSecondsHeader(response, 'x-rate-limit-reset'),
      );
    default:
      return new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'x',
        `X API failed with HTTP ${status}`,
        status,
      );
  }
}
