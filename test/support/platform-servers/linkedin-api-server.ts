import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OpenID Connect userinfo claims, as `GET /v2/userinfo` returns them. */
export interface LinkedInUserInfo {
  sub: string;
  name: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  email?: string;
  email_verified?: boolean;
  locale?: { country: string; language: string };
}

export type LinkedInOrganizationRole =
  | 'ADMINISTRATOR'
  | 'DIRECT_SPONSORED_CONTENT_POSTER'
  | 'RECRUITING_POSTER'
  | 'LEAD_GEN_FORMS_MANAGER'
  | 'ANALYST'
  | 'CURATOR'
  | 'CONTENT_ADMINISTRATOR';

export interface LinkedInMember {
  userinfo: LinkedInUserInfo;
  /** The member's roles on company pages. */
  roles?: {
    organizationId: number;
    role: LinkedInOrganizationRole;
    state?: 'APPROVED' | 'REQUESTED' | 'REVOKED';
  }[];
}

export interface LinkedInOrganization {
  id: number;
  localizedName: string;
  vanityName?: string;
}

export type LinkedInEndpoint = 'userinfo' | 'organizationAcls' | 'organizations';

export interface LinkedInScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LinkedInRequestRecord {
  endpoint: LinkedInEndpoint;
  query: string;
  linkedinVersion: string | null;
  restliProtocolVersion: string | null;
}

export interface LinkedInApiServer {
  baseUrl: string;
  registerToken(accessToken: string, member: LinkedInMember): void;
  registerOrganization(organization: LinkedInOrganization): void;
  /** Requests with this token to `endpoint` answer `response` instead. */
  scriptResponse(
    accessToken: string,
    endpoint: LinkedInEndpoint,
    response: LinkedInScriptedResponse,
  ): void;
  readonly requests: LinkedInRequestRecord[];
  /** Posts `POST /rest/posts` created, oldest first. */
  readonly posts: LinkedInPostRecord[];
  stop(): Promise<void>;
}

export interface LinkedInPostRecord {
  /** `urn:li:share:N`, as `x-restli-id` announced it. */
  id: string;
  author: string;
  commentary: string;
  linkedinVersion: string | null;
}

const UNAUTHORIZED = {
  status: 401,
  serviceErrorCode: 65600,
  code: 'INVALID_ACCESS_TOKEN',
  message: 'Invalid access token',
};

/**
 * LinkedIn's member and organization APIs on 127.0.0.1 at a random port, in LinkedIn's shapes:
 * - `GET /v2/userinfo` (OpenID Connect): the member's claims.
 * - `GET /rest/organizationAcls?q=roleAssignee[&role=][&state=]&start=&count=`: versioned
 *   (requires `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`), answers
 *   `{elements:[{organization:'urn:li:organization:N', role, roleAssignee, state}],
 *   paging:{start, count, links, total}}` (the state filter defaults to APPROVED).
 * - `GET /rest/organizations?ids=List(1,2)`: BATCH_GET, `{results:{id:{...}}, statuses,
 *   errors}`; a page the member does not administer is a 403 in `errors`.
 * Unknown tokens get LinkedIn's 401 body; any call can be scripted per token and endpoint.
 */
export async function startLinkedInApiServer(): Promise<LinkedInApiServer> {
  const members = new Map<string, LinkedInMember>();
  const organizations = new Map<number, LinkedInOrganization>();
  const scripts = new Map<string, LinkedInScriptedResponse>();
  const requests: LinkedInRequestRecord[] = [];
  const posts: LinkedInPostRecord[] = [];
  let nextShare = 7300000000000000000n;

  /**
   * `POST /rest/posts` (versioned): `201` with the post URN in `x-restli-id`. The author must
   * be the member (`urn:li:person:{sub}`) or a page they may post for; a duplicate is a 422.
   */
  async function createPost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += (chunk as Buffer).toString();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const member = token === undefined ? undefined : members.get(token);
    if (!member) return send(res, 401, UNAUTHORIZED);
    const version = header(req, 'linkedin-version');
    if (
      !version ||
      !/^\d{6}$/.test(version) ||
      header(req, 'x-restli-protocol-version') !== '2.0.0'
    ) {
      return send(res, 400, {
        status: 400,
        code: 'VERSION_MISSING',
        message: 'A version must be present.',
      });
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { status: 400, message: 'Invalid JSON' });
    }
    const author = typeof body.author === 'string' ? body.author : '';
    const commentary = typeof body.commentary === 'string' ? body.commentary : '';
    const orgId = /^urn:li:organization:(\d+)$/.exec(author)?.[1];
    const mayPost =
      author === `urn:li:person:${member.userinfo.sub}` ||
      (orgId !== undefined &&
        (member.roles ?? []).some(
          (r) =>
            r.organizationId === Number(orgId) &&
            (r.state ?? 'APPROVED') === 'APPROVED' &&
            ['ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'CONTENT_ADMINISTRATOR'].includes(
              r.role,
            ),
        ));
    if (!mayPost) {
      return send(res, 403, {
        status: 403,
        serviceErrorCode: 100,
        code: 'ACCESS_DENIED',
        message: `Not enough permissions to access: partnerApiPostsExternal.CREATE.${version}`,
      });
    }
    const d = body.distribution as { feedDistribution?: unknown } | undefined;
    if (
      !commentary ||
      body.lifecycleState !== 'PUBLISHED' ||
      body.visibility !== 'PUBLIC' ||
      d?.feedDistribution !== 'MAIN_FEED'
    ) {
      return send(res, 422, { status: 422, message: 'ERROR :: /commentary :: field is required' });
    }
    if (posts.some((p) => p.author === author && p.commentary === commentary)) {
      return send(res, 422, {
        status: 422,
        message: 'Content is a duplicate of urn:li:share:' + String(nextShare),
      });
    }
    nextShare += 1n;
    const id = `urn:li:share:${nextShare}`;
    posts.push({ id, author, commentary, linkedinVersion: version });
    res.writeHead(201, { 'x-restli-id': id, 'x-linkedin-id': id });
    res.end();
  }

  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const url = new URL(raw, 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/rest/posts') return void createPost(req, res);
    const endpoint = endpointOf(req, url.pathname);
    if (!endpoint)
      return send(res, 404, { status: 404, message: `No resource found for ${url.pathname}` });
    requests.push({
      endpoint,
      query: raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '',
      linkedinVersion: header(req, 'linkedin-version'),
      restliProtocolVersion: header(req, 'x-restli-protocol-version'),
    });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const script = token === undefined ? undefined : scripts.get(`${token}\n${endpoint}`);
    if (script) return send(res, script.status, script.body ?? {}, script.headers);
    const member = token === undefined ? undefined : members.get(token);
    if (!member) return send(res, 401, UNAUTHORIZED);

    if (endpoint === 'userinfo') return send(res, 200, member.userinfo);

    const version = header(req, 'linkedin-version');
    if (!version || !/^\d{6}$/.test(version)) {
      return send(res, 400, {
        status: 400,
        code: 'VERSION_MISSING',
        message:
          'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
      });
    }
    if (header(req, 'x-restli-protocol-version') !== '2.0.0') {
      return send(res, 400, { status: 400, message: 'Rest.li protocol version 2.0.0 is required' });
    }
    const person = `urn:li:person:${member.userinfo.sub}`;

    if (endpoint === 'organizationAcls') {
      const q = url.searchParams;
      if (q.get('q') !== 'roleAssignee')
        return send(res, 400, { status: 400, message: 'Unsupported finder' });
      const role = q.get('role');
      const state = q.get('state') ?? 'APPROVED';
      const start = Number(q.get('start') ?? 0);
      const count = Number(q.get('count') ?? 10);
      const matching = (member.roles ?? [])
        .map((r) => ({ ...r, state: r.state ?? 'APPROVED' }))
        .filter((r) => (role ? r.role === role : true) && r.state === state);
      const elements = matching.slice(start, start + count).map((r) => ({
        roleAssignee: person,
        state: r.state,
        role: r.role,
        organization: `urn:li:organization:${r.organizationId}`,
      }));
      const links =
        start + count < matching.length
          ? [
              {
                rel: 'next',
                type: 'application/json',
                href: `/rest/organizationAcls?q=roleAssignee&start=${start + count}&count=${count}`,
              },
            ]
          : [];
      return send(res, 200, { paging: { start, count, links, total: matching.length }, elements });
    }

    // organizations BATCH_GET: ids=List(1,2,3), delimiters unencoded as Rest.li 2.0 wants.
    const ids = /(?:^|&)ids=List\(([\d,]*)\)(?:&|$)/.exec(raw.slice(raw.indexOf('?') + 1))?.[1];
    if (ids === undefined) return send(res, 400, { status: 400, message: 'ids must be List(...)' });
    const results: Record<string, unknown> = {};
    const statuses: Record<string, number> = {};
    const errors: Record<string, unknown> = {};
    for (const id of ids.split(',').filter(Boolean)) {
      const organization = organizations.get(Number(id));
      const administers = (member.roles ?? []).some(
        (r) => r.organizationId === Number(id) && (r.state ?? 'APPROVED') === 'APPROVED',
      );
      if (!organization) {
        statuses[id] = 404;
        errors[id] = { status: 404, message: `Organization ${id} not found` };
      } else if (!administers) {
        statuses[id] = 403;
        errors[id] = {
          status: 403,
          message: `Not enough permissions to access organization ${id}`,
        };
      } else {
        statuses[id] = 200;
        results[id] = {
          id: organization.id,
          localizedName: organization.localizedName,
          name: {
            localized: { en_US: organization.localizedName },
            preferredLocale: { country: 'US', language: 'en' },
          },
          primaryOrganizationType: 'NONE',
          ...(organization.vanityName ? { vanityName: organization.vanityName } : {}),
        };
      }
    }
    return send(res, 200, { results, statuses, errors });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    registerToken: (accessToken, member) => void members.set(accessToken, member),
    registerOrganization: (organization) => void organizations.set(organization.id, organization),
    scriptResponse: (accessToken, endpoint, response) =>
      void scripts.set(`${accessToken}\n${endpoint}`, response),
    requests,
    posts,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function endpointOf(req: IncomingMessage, path: string): LinkedInEndpoint | null {
  if (req.method !== 'GET') return null;
  if (path === '/v2/userinfo') return 'userinfo';
  if (path === '/rest/organizationAcls') return 'organizationAcls';
  if (path === '/rest/organizations') return 'organizations';
  return null;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
