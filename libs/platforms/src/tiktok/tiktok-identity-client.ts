import { PlatformApiError, type PlatformApiErrorCode } from '../errors';
import { fetchPlatformApi, nonEmptyText, readJsonBody, retryAfterSeconds } from '../http';
import type {
  AccountRefusal,
  OAuthTokens,
  PlatformAccount,
  PlatformIdentityClient,
} from '../platform-definition';

export type TikTokAccountType = 'business' | 'personal';

/** What the Display API says about the user behind a token (`GET /v2/user/info/`). */
export interface TikTokUserFacts {
  openId: string;
  unionId: string | null;
  username: string | null;
  displayName: string | null;
}

/**
 * Where a TikTok account is registered, as an ISO 3166-1 alpha-2 code, or null when unknown.
 * Neither the Display API nor the API for Business returns the account's own region (the
 * Business API's `audience_countries` is where the followers are, not the account), so this
 * is a port: a deployment that learns regions elsewhere (its own sign-up data, a TikTok
 * partner feed) plugs it in. Without one, no region can be refused.
 */
export type TikTokRegionResolver = (
  user: TikTokUserFacts,
) => string | null | Promise<string | null>;

export interface TikTokIdentityClientOptions {
  /** Display API base, e.g. https://open.tiktokapis.com (TIKTOK_API_URL). */
  apiUrl: string;
  /** TikTok API for Business base (account type), default https://business-api.tiktok.com. */
  businessApiUrl?: string;
  /** ISO 3166-1 alpha-2 codes whose accounts this product may not connect. */
  restrictedRegions?: readonly string[];
  regionOf?: TikTokRegionResolver;
  timeoutMs?: number;
}

export const DEFAULT_TIKTOK_BUSINESS_API_URL = 'https://business-api.tiktok.com';

/** Display API fields: `username` and `is_verified` need `user.info.profile`. */
const USER_FIELDS = [
  'open_id',
  'union_id',
  'display_name',
  'username',
  'avatar_url',
  'is_verified',
];

interface TikTokUser {
  open_id?: unknown;
  union_id?: unknown;
  display_name?: unknown;
  username?: unknown;
  avatar_url?: unknown;
  is_verified?: unknown;
}

/** The Display API's error object: `code` is `ok` on success. */
interface TikTokErrorObject {
  code?: unknown;
  message?: unknown;
  log_id?: unknown;
}

/**
 * Who a TikTok user access token belongs to, and whether this product may connect it.
 *
 * - Identity: Display API `GET /v2/user/info/` (`{data:{user}, error:{code:'ok'}}`).
 * - Business or personal: the Display API has no such field. TikTok exposes it in the
 *   TikTok API for Business, `GET /open_api/v1.3/business/get/?business_id=<open_id>` with
 *   the user token in `Access-Token` and `fields=["is_business_account"]` (scope
 *   `user.account.type`); it answers `{code:0, message:'OK', request_id, data:{...}}`,
 *   with failures as non-zero `code`s, usually on HTTP 200. A personal account is listed
 *   with an ACCOUNT_TYPE_NOT_SUPPORTED refusal, so the user learns why.
 * - Region: see {@link TikTokRegionResolver}; an account in a restricted region is refused
 *   with the region named.
 */
export class TikTokIdentityClient implements PlatformIdentityClient {
  readonly platform = 'tiktok' as const;
  private readonly userInfoUrl: string;
  private readonly businessUrl: string;
  private readonly restricted: ReadonlySet<string>;
  private readonly regionOf: TikTokRegionResolver | null;
  private readonly timeoutMs: number | undefined;

  constructor(options: TikTokIdentityClientOptions) {
    const url = new URL(`${trimSlash(options.apiUrl)}/v2/user/info/`);
    url.searchParams.set('fields', USER_FIELDS.join(','));
    this.userInfoUrl = url.toString();
    this.businessUrl = `${trimSlash(options.businessApiUrl ?? DEFAULT_TIKTOK_BUSINESS_API_URL)}/open_api/v1.3/business/get/`;
    this.restricted = new Set((options.restrictedRegions ?? []).map((r) => r.toUpperCase()));
    this.regionOf = options.regionOf ?? null;
    this.timeoutMs = options.timeoutMs; // undefined: the configured deadline
  }

  async fetchIdentities(accessToken: string, _tokens?: OAuthTokens): Promise<PlatformAccount[]> {
    const user = await this.user(accessToken);
    const isBusiness = await this.isBusinessAccount(accessToken, user.openId);
    const region = this.regionOf ? normaliseRegion(await this.regionOf(user.facts)) : null;
    const accountType: TikTokAccountType = isBusiness ? 'business' : 'personal';
    const refusal = this.refusal(accountType, region);
    return [
      {
        accountId: user.openId,
        accountName: user.facts.username ?? user.facts.displayName ?? user.openId,
        accountType,
        ...(user.facts.displayName ? { displayName: user.facts.displayName } : {}),
        ...(user.avatarUrl ? { pictureUrl: user.avatarUrl } : {}),
        ...(refusal ? { refusal } : {}),
        attributes: {
          verified: user.verified,
          ...(region ? { region } : {}),
          ...(user.facts.unionId ? { unionId: user.facts.unionId } : {}),
        },
      },
    ];
  }

  private refusal(type: TikTokAccountType, region: string | null): AccountRefusal | null {
    if (type === 'personal') {
      return {
        code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
        reason:
          'This is a personal TikTok account: only TikTok business accounts can be connected. Switch it to a business account in the TikTok app, then connect again.',
      };
    }
    if (region && this.restricted.has(region)) {
      return {
        code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
        reason: `TikTok accounts registered in region ${region} cannot be connected: the region is restricted.`,
      };
    }
    return null;
  }

  private async user(accessToken: string): Promise<{
    openId: string;
    facts: TikTokUserFacts;
    avatarUrl: string | null;
    verified: boolean;
  }> {
    const response = await this.get(this.userInfoUrl, { Authorization: `Bearer ${accessToken}` });
    const body = (await readJsonBody(response)) as {
      data?: { user?: TikTokUser };
      error?: TikTokErrorObject;
    } | null;
    const errorCode = typeof body?.error?.code === 'string' ? body.error.code : null;
    if (!response.ok || (errorCode !== null && errorCode !== 'ok')) {
      throw displayApiFailure(response, errorCode);
    }
    const user = body?.data?.user;
    if (!user || typeof user.open_id !== 'string' || user.open_id === '') {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'tiktok',
        'TikTok answered /v2/user/info/ without a user',
        response.status,
      );
    }
    return {
      openId: user.open_id,
      facts: {
        openId: user.open_id,
        unionId: nonEmptyText(user.union_id),
        username: nonEmptyText(user.username),
        displayName: nonEmptyText(user.display_name),
      },
      avatarUrl: nonEmptyText(user.avatar_url),
      verified: user.is_verified === true,
    };
  }

  private async isBusinessAccount(accessToken: string, openId: string): Promise<boolean> {
    const url = new URL(this.businessUrl);
    url.searchParams.set('business_id', openId);
    url.searchParams.set('fields', JSON.stringify(['is_business_account']));
    const response = await this.get(url.toString(), { 'Access-Token': accessToken });
    const body = (await readJsonBody(response)) as {
      code?: unknown;
      data?: { is_business_account?: unknown };
    } | null;
    const code = typeof body?.code === 'number' ? body.code : null;
    if (!response.ok || code !== 0) throw businessApiFailure(response, code);
    const flag = body?.data?.is_business_account;
    if (typeof flag !== 'boolean') {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'tiktok',
        'TikTok API for Business answered business/get without is_business_account',
        response.status,
      );
    }
    return flag;
  }

  private get(url: string, headers: Record<string, string>): Promise<Response> {
    return fetchPlatformApi('tiktok', url, {
      headers: { ...headers, Accept: 'application/json' },
      timeoutMs: this.timeoutMs,
    });
  }
}

/**
 * Display API error codes (TikTok API v2 "Error Handling"): access_token_invalid (401),
 * scope_not_authorized (401), scope_permission_missed (400), rate_limit_exceeded (429),
 * internal_error (500). App-wide caps (e.g. `reached_active_user_cap`, the app's daily
 * active users) are TikTok's limits on this product, not the account's fault: transient.
 */
function displayApiFailure(response: Response, errorCode: string | null): PlatformApiError {
  const status = response.status;
  const fail = (code: PlatformApiErrorCode, message: string, retryAt: Date | null = null) =>
    new PlatformApiError(code, 'tiktok', message, status, retryAt);
  switch (errorCode) {
    case 'access_token_invalid':
      return fail(
        'TOKEN_INVALID',
        'TikTok rejected the access token (invalid, expired or revoked)',
      );
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return fail(
        'INSUFFICIENT_PERMISSIONS',
        'TikTok refused: the user did not grant the required scopes',
      );
    case 'rate_limit_exceeded':
      return fail(
        'PLATFORM_RATE_LIMITED',
        'TikTok rate limit reached',
        retryAfterSeconds(response),
      );
    case 'internal_error':
      return fail('PLATFORM_UNAVAILABLE', `TikTok API failed (internal_error, HTTP ${status})`);
  }
  if (
    errorCode !== null &&
    /cap|quota|limit/i.test(errorCode) &&
    /^[\w.-]{1,64}$/.test(errorCode)
  ) {
    return fail(
      'PLATFORM_UNAVAILABLE',
      `TikTok refused the app, not the account (${errorCode}): try again later`,
      retryAfterSeconds(response),
    );
  }
  return byStatus(response, 'TikTok API');
}

/**
 * TikTok API for Business codes: 40100 (requests too frequent), 40102/40104/40105 (access
 * token expired, missing, invalid or revoked), 40001 (no permission, e.g. scope
 * `user.account.type` not granted), 5xxxx (TikTok's own failures).
 */
function businessApiFailure(response: Response, code: number | null): PlatformApiError {
  const status = response.status;
  const fail = (c: PlatformApiErrorCode, message: string, retryAt: Date | null = null) =>
    new PlatformApiError(c, 'tiktok', message, status, retryAt);
  if (code === 40100) {
    return fail(
      'PLATFORM_RATE_LIMITED',
      'TikTok API for Business rate limit reached',
      retryAfterSeconds(response),
    );
  }
  if (code === 40102 || code === 40104 || code === 40105) {
    return fail('TOKEN_INVALID', 'TikTok API for Business rejected the access token');
  }
  if (code === 40001) {
    return fail(
      'INSUFFICIENT_PERMISSIONS',
      'TikTok API for Business refused: the user did not grant user.account.type',
    );
  }
  if (code !== null && code >= 50000) {
    return fail('PLATFORM_UNAVAILABLE', `TikTok API for Business failed (code ${code})`);
  }
  if (response.ok && code !== null) {
    return fail(
      'PLATFORM_UNAVAILABLE',
      `TikTok API for Business refused the request (code ${code})`,
    );
  }
  return byStatus(response, 'TikTok API for Business');
}

function byStatus(response: Response, what: string): PlatformApiError {
  const status = response.status;
  const fail = (code: PlatformApiErrorCode, message: string, retryAt: Date | null = null) =>
    new PlatformApiError(code, 'tiktok', message, status, retryAt);
  switch (status) {
    case 401:
      return fail('TOKEN_INVALID', `${what} rejected the access token`);
    case 403:
      return fail('INSUFFICIENT_PERMISSIONS', `${what} refused: missing permissions`);
    case 404:
      return fail('ACCOUNT_NOT_FOUND', `${what} says the account does not exist`);
    case 429:
      return fail(
        'PLATFORM_RATE_LIMITED',
        `${what} rate limit reached`,
        retryAfterSeconds(response),
      );
    default:
      return fail('PLATFORM_UNAVAILABLE', `${what} failed with HTTP ${status}`);
  }
}

function normaliseRegion(region: string | null): string | null {
  const code = region?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : null;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
