import { PlatformApiError, type PlatformApiErrorCode } from '../errors';
import { fetchPlatformApi, nonEmptyText, readJsonBody, retryAfterSeconds } from '../http';
import type { OAuthTokens, PlatformAccount, PlatformIdentityClient } from '../platform-definition';

export type LinkedInAccountType = 'personal' | 'company';

export interface LinkedInIdentityClientOptions {
  /** LinkedIn API base, e.g. https://api.linkedin.com (LINKEDIN_API_URL). */
  apiUrl: string;
  /** `LinkedIn-Version` (YYYYMM) for the versioned `/rest` APIs; LinkedIn sunsets old ones. */
  linkedinVersion?: string;
  /** organizationAcls page size. */
  pageSize?: number;
  timeoutMs?: number;
}

export const DEFAULT_LINKEDIN_VERSION = '202601';
const ORGANIZATION_URN = /^urn:li:organization:(\d+)$/;
/** organizations BATCH_GET: ids per request. */
const BATCH = 50;
/** A member administers a handful of pages; past this, something is wrong: stop paging. */
const MAX_PAGES = 50;

interface UserInfo {
  sub?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  picture?: unknown;
}

interface OrganizationAcl {
  organization?: unknown;
  /** The unversioned v2 API's name for it. */
  organizationalTarget?: unknown;
  role?: unknown;
  state?: unknown;
}

interface Organization {
  id?: unknown;
  localizedName?: unknown;
  vanityName?: unknown;
}

/**
 * Every LinkedIn account a member's token can act for, offered in one selection:
 * - the member's own profile, from OpenID Connect `GET /v2/userinfo` (`sub` is the person
 *   id): account id `urn:li:person:{sub}`, type `personal`;
 * - every company page the member administers: `GET /rest/organizationAcls?q=roleAssignee
 *   &role=ADMINISTRATOR&state=APPROVED` (Community Management API, `r_organization_admin`),
 *   paged by `start`/`count`, then the pages' names by BATCH_GET
 *   `GET /rest/organizations?ids=List(...)`: account id `urn:li:organization:{id}`, type
 *   `company`. Pages where the member holds another role are not listed.
 * URNs as account ids keep a person and an organization with the same number apart.
 */
export class LinkedInIdentityClient implements PlatformIdentityClient {
  readonly platform = 'linkedin' as const;
  private readonly apiUrl: string;
  private readonly version: string;
  private readonly pageSize: number;
  private readonly timeoutMs: number | undefined;

  constructor(options: LinkedInIdentityClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.version = options.linkedinVersion ?? DEFAULT_LINKEDIN_VERSION;
    if (!/^\d{6}$/.test(this.version)) throw new Error('LinkedIn-Version must be YYYYMM');
    this.pageSize = options.pageSize ?? 100;
    this.timeoutMs = options.timeoutMs; // undefined: the configured deadline
  }

  async fetchIdentities(accessToken: string, _tokens?: OAuthTokens): Promise<PlatformAccount[]> {
    const [member, organizationIds] = await Promise.all([
      this.member(accessToken),
      this.administeredOrganizationIds(accessToken),
    ]);
    const organizations = await this.organizations(accessToken, organizationIds);
    return [member, ...organizations];
  }

  private async member(accessToken: string): Promise<PlatformAccount> {
    const { body, status } = await this.getJson<UserInfo>(accessToken, '/v2/userinfo', false);
    const sub = nonEmptyText(body?.sub);
    if (!sub) {
      throw new PlatformApiError(
        'PLATFORM_UNAVAILABLE',
        'linkedin',
        'LinkedIn answered /v2/userinfo without a member',
        status,
      );
    }
    const joined = [nonEmptyText(body?.given_name), nonEmptyText(body?.family_name)]
      .filter(Boolean)
      .join(' ');
    const name = nonEmptyText(body?.name) ?? (joined || sub);
    const picture = nonEmptyText(body?.picture);
    return {
      accountId: `urn:li:person:${sub}`,
      accountName: name,
      accountType: 'personal',
      displayName: name,
      ...(picture ? { pictureUrl: picture } : {}),
    };
  }

  private async administeredOrganizationIds(accessToken: string): Promise<string[]> {
    const ids = new Set<string>();
    let start = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `q=roleAssignee&role=ADMINISTRATOR&state=APPROVED&start=${start}&count=${this.pageSize}`;
      const { body } = await this.getJson<{
        elements?: OrganizationAcl[];
        paging?: { total?: unknown };
      }>(accessToken, `/rest/organizationAcls?${query}`, true);
      const elements = Array.isArray(body?.elements) ? body.elements : [];
      for (const acl of elements) {
        if (acl.role !== 'ADMINISTRATOR' || acl.state !== 'APPROVED') continue;
        const urn = nonEmptyText(acl.organization) ?? nonEmptyText(acl.organizationalTarget);
        const id = urn ? ORGANIZATION_URN.exec(urn)?.[1] : undefined;
        if (id) ids.add(id);
      }
      start += elements.length;
      const total = typeof body?.paging?.total === 'number' ? body.paging.total : null;
      if (elements.length < this.pageSize || (total !== null && start >= total)) break;
    }
    return [...ids];
  }

  private async organizations(accessToken: string, ids: string[]): Promise<PlatformAccount[]> {
    const accounts: PlatformAccount[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH);
      // Rest.li 2.0 BATCH_GET syntax: the List(...) delimiters must reach LinkedIn unencoded.
      const { body } = await this.getJson<{
        results?: Record<string, Organization>;
      }>(accessToken, `/rest/organizations?ids=List(${chunk.join(',')})`, true);
      for (const id of chunk) {
        // An id in `errors` instead (page deleted since the ACL was read) is left out.
        const organization = body?.results?.[id];
        if (!organization) continue;
        const vanityName = nonEmptyText(organization.vanityName);
        const name = nonEmptyText(organization.localizedName) ?? vanityName ?? `Organization ${id}`;
        accounts.push({
          accountId: `urn:li:organization:${id}`,
          accountName: name,
          accountType: 'company',
          displayName: name,
          ...(vanityName ? { attributes: { vanityName } } : {}),
        });
      }
    }
    return accounts;
  }

  private async getJson<T>(
    accessToken: string,
    path: string,
    versioned: boolean,
  ): Promise<{ body: T | null; status: number }> {
    const response = await fetchPlatformApi('linkedin', `${this.apiUrl}${path}`, {
      headers: {
        Authorization: `Bearer ${accessToken}`,
        Accept: 'application/json',
        ...(versioned
          ? { 'LinkedIn-Version': this.version, 'X-Restli-Protocol-Version': '2.0.0' }
          : {}),
      },
      timeoutMs: this.timeoutMs,
    });
    if (!response.ok) throw failure(response, path.split('?')[0]);
    return { body: (await readJsonBody(response)) as T | null, status: response.status };
  }
}

function failure(response: Response, endpoint: string): PlatformApiError {
  const status = response.status;
  const fail = (code: PlatformApiErrorCode, message: string, retryAt: Date | null = null) =>
    new PlatformApiError(code, 'linkedin', message, status, retryAt);
  switch (status) {
    case 401:
      return fail(
        'TOKEN_INVALID',
        'LinkedIn rejected the access token (invalid, expired or revoked)',
      );
    case 403:
      return fail(
        'INSUFFICIENT_PERMISSIONS',
        `LinkedIn refused ${endpoint}: the token lacks the required permissions`,
      );
    case 404:
      return fail(
        'ACCOUNT_NOT_FOUND',
        `LinkedIn says the resource behind ${endpoint} does not exist`,
      );
    case 429:
      return fail(
        'PLATFORM_RATE_LIMITED',
        'LinkedIn rate limit reached',
        retryAfterSeconds(response),
      );
    default:
      return fail('PLATFORM_UNAVAILABLE', `LinkedIn API ${endpoint} failed with HTTP ${status}`);
  }
}
