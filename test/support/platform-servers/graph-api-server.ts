import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphError } from './meta-oauth-server';

/** A Page as the fake lists it under `GET /me/accounts`. */
export interface GraphFakePage {
  id: string;
  name: string;
  category?: string;
  /** e.g. ['MANAGE','CREATE_CONTENT','MODERATE','ADVERTISE','ANALYZE'] for an admin. */
  tasks: string[];
  /** The Page token /me/accounts hands out for this Page. */
  access_token: string;
}

export interface GraphFakeFacebookUser {
  id: string;
  name: string;
  pages: GraphFakePage[];
  /** Granted permissions; default: the four the ledger asks for, plus public_profile. */
  granted?: string[];
  /** Shown as declined by /me/permissions. */
  declined?: string[];
}

export interface GraphFakeInstagramUser {
  /** The professional account id (`user_id`). */
  user_id: string;
  username: string;
  account_type: 'BUSINESS' | 'MEDIA_CREATOR' | 'PERSONAL' | string;
  name?: string;
  profile_picture_url?: string;
  /** App-scoped id (`id`); generated when absent. */
  id?: string;
}

export interface ScriptedGraphResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
}

export interface GraphRequestRecord {
  /** Path without the version prefix, e.g. `me/accounts`. */
  path: string;
  /** How the caller sent its token: header (Authorization: Bearer/OAuth), query, or none. */
  tokenIn: 'header' | 'query' | null;
  /** What the token was when the request came: a registered short- or long-lived user token. */
  tokenKind: 'short-lived' | 'long-lived' | 'unknown' | null;
  fields: string | null;
  after: string | null;
  status: number;
}

export interface GraphExchangeRecord {
  grantType: string | null;
  clientId: string | null;
  clientSecretValid: boolean;
  /** The exchanged token was a registered, live user token. */
  tokenKnown: boolean;
  status: number;
}

/** One `GET /refresh_access_token` call (Instagram). */
export interface GraphRefreshRecord {
  grantType: string | null;
  /** Parameter names only: the values are secrets. */
  queryKeys: string[];
  /** What the fake knew the presented token as; null when it did not know it. */
  tokenKind: 'short-lived' | 'long-lived' | null;
  status: number;
}

export interface GraphApiServerOptions {
  /** The Meta app id (Facebook's fb_exchange_token checks it; Instagram's grant has none). */
  clientId?: string;
  clientSecret: string;
  /** The version prefix the API is served under; default v26.0. */
  version?: string;
  /** Long-lived token lifetime the exchange announces; default 5183944 s (about 60 days). */
  longLivedExpiresIn?: number;
  /**
   * The grant the exchange endpoint accepts; default fb_exchange_token (Facebook) or
   * ig_exchange_token (Instagram). The Instagram-style server with `th_exchange_token`
   * serves Threads' `GET /access_token` the same way.
   */
  exchangeGrant?: string;
  /** Most items per edge page whatever `limit` asks (Graph's cap); default 25. */
  maxPageSize?: number;
  /**
   * The grant `GET /refresh_access_token` accepts (Instagram only); default ig_refresh_token.
   */
  refreshGrant?: string;
  /** The fake's clock, for token ages and expiries (default: the real one). */
  now?: () => Date;
}

interface GraphApiServerBase {
  /** Origin, e.g. http://127.0.0.1:1234. */
  baseUrl: string;
  /** Versioned API base, the `<PLATFORM>_API_URL` to configure: `${baseUrl}/v26.0`. */
  apiUrl: string;
  /** Requests with this token (header, query or being exchanged) answer `response` instead. */
  scriptResponse(
    accessToken: string,
    response: ScriptedGraphResponse,
    options?: { path?: string },
  ): void;
  /**
   * Requests with any token of this user (short- or long-lived, so also tokens the exchange
   * has yet to issue) answer `response` instead; the exchange itself is not affected.
   */
  scriptUserResponse(
    userId: string,
    response: ScriptedGraphResponse,
    options?: { path?: string },
  ): void;
  /** The token stops working: Graph error 190 with this subcode (463 expired, 460 password changed...). */
  invalidateToken(accessToken: string, subcode?: number): void;
  readonly requests: GraphRequestRecord[];
  readonly exchanges: GraphExchangeRecord[];
  /** Every long-lived token the exchange (or a refresh) issued, for leak checks. */
  readonly longLivedTokens: string[];
  /** Tokens `DELETE /me/permissions` was called with (Facebook): they no longer work. */
  readonly revokedPermissions: string[];
  stop(): Promise<void>;
}

/** When a long-lived token was issued and how long it lives, as `registerLongLivedToken` takes it. */
export interface GraphLongLivedTokenOptions {
  /** Default: now on the fake's clock. */
  issuedAt?: Date;
  /** Seconds; default the server's `longLivedExpiresIn`. */
  expiresIn?: number;
}

export interface FacebookGraphServer
  extends GraphApiServerBase, GraphLongLivedRegistration<GraphFakeFacebookUser> {
  /** This (short-lived) user token belongs to `user`; exchanging it yields a long-lived one. */
  registerUser(accessToken: string, user: GraphFakeFacebookUser): void;
  /** `POST /{page-id}/feed` (see the Page feed section at the end of this file). */
  readonly pageFeed: GraphPageFeed;
}

/** Both flavours: a long-lived token as if an exchange had issued it at `issuedAt`. */
export interface GraphLongLivedRegistration<U> {
  registerLongLivedToken(accessToken: string, user: U, options?: GraphLongLivedTokenOptions): void;
}

export interface InstagramGraphServer
  extends GraphApiServerBase, GraphLongLivedRegistration<GraphFakeInstagramUser> {
  registerUser(accessToken: string, user: GraphFakeInstagramUser): void;
  /**
   * `GET /refresh_access_token?grant_type=ig_refresh_token&access_token=...`, as Meta documents
   * it: only a long-lived token at least 24 hours old and unexpired is refreshed, into a new
   * long-lived one (`{access_token, token_type, expires_in}`); the old one keeps working until
   * its own expiry. Meta does not document the error for a token under 24 hours old: the fake
   * answers Graph error 100 (HTTP 400), an unrecognised refusal.
   */
  readonly refreshes: GraphRefreshRecord[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

const DEFAULT_GRANTED = [
  'pages_show_list',
  'pages_manage_posts',
  'pages_read_engagement',
  'business_management',
  'public_profile',
];

/**
 * Facebook's Graph API (graph.facebook.com/v26.0) on 127.0.0.1 at a random port:
 * `GET /oauth/access_token?grant_type=fb_exchange_token` (checks client_id and secret),
 * `GET /me`, `GET /me/permissions`, and `GET /me/accounts` cursor-paged with `tasks` and
 * Page tokens, all in Meta's shapes; an unknown token answers Graph error 190 with HTTP 400.
 */
export function startFacebookGraphServer(
  options: GraphApiServerOptions,
): Promise<FacebookGraphServer> {
  return startGraphServer<GraphFakeFacebookUser>('facebook', options);
}

/**
 * Instagram's Graph API (graph.instagram.com/v26.0) on 127.0.0.1 at a random port:
 * `GET /access_token?grant_type=ig_exchange_token` (checks client_secret) and `GET /me`.
 */
export function startInstagramGraphServer(
  options: GraphApiServerOptions,
): Promise<InstagramGraphServer> {
  return startGraphServer<GraphFakeInstagramUser>('instagram', options);
}

interface TokenEntry<U> {
  user: U;
  kind: 'short-lived' | 'long-lived';
  /** Set once invalidated: the 190 subcode it now answers with. */
  invalidSubcode: number | null;
  /** Epoch ms on the fake's clock. */
  issuedAt: number;
  /** Epoch ms; null when the fake does not track it (short-lived tokens tests register). */
  expiresAt: number | null;
}

interface Script {
  response: ScriptedGraphResponse;
  path: string | null;
}

async function startGraphServer<U extends GraphFakeFacebookUser | GraphFakeInstagramUser>(
  flavor: 'facebook' | 'instagram',
  options: GraphApiServerOptions,
): Promise<
  GraphApiServerBase &
    GraphLongLivedRegistration<U> & {
      registerUser(token: string, user: U): void;
      refreshes: GraphRefreshRecord[];
      pageFeed: GraphPageFeed;
    }
> {
  const version = options.version ?? 'v26.0';
  const maxPageSize = options.maxPageSize ?? 25;
  const longLivedExpiresIn = options.longLivedExpiresIn ?? 5183944;
  const tokens = new Map<string, TokenEntry<U>>();
  const scripts = new Map<string, Script[]>();
  const userScripts = new Map<string, Script[]>();
  const requests: GraphRequestRecord[] = [];
  const exchanges: GraphExchangeRecord[] = [];
  const longLivedTokens: string[] = [];
  const refreshes: GraphRefreshRecord[] = [];
  const revokedPermissions: string[] = [];
  const pageFeed = startPageFeed(tokens);
  const clock = (): number => (options.now ? options.now() : new Date()).getTime();
  let baseUrl = '';

  const issueLongLived = (user: U, issuedAt: number, expiresIn: number): string => {
    const longLived = `${flavor === 'facebook' ? 'EAAG' : 'IGAA'}${randomBytes(30).toString('base64url')}`;
    tokens.set(longLived, {
      user,
      kind: 'long-lived',
      invalidSubcode: null,
      issuedAt,
      expiresAt: issuedAt + expiresIn * 1000,
    });
    longLivedTokens.push(longLived);
    return longLived;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname
      .replace(new RegExp(`^/${version.replace('.', '\\.')}(?=/)`), '')
      .replace(/^\/+/, '');
    const q = url.searchParams;
    const exchangePath = flavor === 'facebook' ? 'oauth/access_token' : 'access_token';

    if (flavor === 'facebook' && pageFeed.handles(req, path))
      return pageFeed.handle(req, res, path);
    if (flavor === 'facebook' && req.method === 'DELETE' && path === 'me/permissions') {
      // Withdraws the app's permissions: the user token, or the Page token, stops working.
      const header = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = header ?? q.get('access_token') ?? undefined;
      const entry = token === undefined ? undefined : tokens.get(token);
      const page = token !== undefined && !entry ? pageOfToken(tokens, token) : undefined;
      if (token === undefined || (!page && (!entry || entry.invalidSubcode !== null))) {
        return sendJson(res, 400, invalidToken(entry?.invalidSubcode ?? null), wwwAuthenticate());
      }
      revokedPermissions.push(token);
      if (entry) entry.invalidSubcode = 458;
      if (page) page.access_token = `revoked-${randomBytes(8).toString('hex')}`;
      return sendJson(res, 200, { success: true });
    }
    if (req.method !== 'GET') {
      return sendJson(
        res,
        400,
        graphError('Unsupported post request.', 'GraphMethodException', 100, 33),
      );
    }

    if (path === exchangePath) {
      const exchanged = flavor === 'facebook' ? q.get('fb_exchange_token') : q.get('access_token');
      const record: GraphExchangeRecord = {
        grantType: q.get('grant_type'),
        clientId: q.get('client_id'),
        clientSecretValid: q.get('client_secret') === options.clientSecret,
        tokenKnown: false,
        status: 200,
      };
      exchanges.push(record);
      const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
        record.status = status;
        sendJson(res, status, body, headers);
      };
      const script = exchanged ? scriptFor(scripts, exchanged, path) : null;
      if (script) return answer(script.status, script.body ?? {}, script.headers);
      const grant =
        options.exchangeGrant ??
        (flavor === 'facebook' ? 'fb_exchange_token' : 'ig_exchange_token');
      if (record.grantType !== grant) {
        return answer(400, graphError('Unsupported grant_type', 'OAuthException', 100));
      }
      if (
        !record.clientSecretValid ||
        (flavor === 'facebook' && record.clientId !== options.clientId)
      ) {
        return answer(400, graphError('Error validating client secret.', 'OAuthException', 1));
      }
      const entry = exchanged ? tokens.get(exchanged) : undefined;
      if (!entry || entry.invalidSubcode !== null) {
        return answer(400, invalidToken(entry?.invalidSubcode ?? null), wwwAuthenticate());
      }
      record.tokenKnown = true;
      const longLived = issueLongLived(entry.user, clock(), longLivedExpiresIn);
      return answer(200, {
        access_token: longLived,
        token_type: 'bearer',
        expires_in: longLivedExpiresIn,
      });
    }

    if (flavor === 'instagram' && path === 'refresh_access_token') {
      const presented = q.get('access_token');
      const entry = presented ? tokens.get(presented) : undefined;
      const record: GraphRefreshRecord = {
        grantType: q.get('grant_type'),
        queryKeys: [...new Set(q.keys())].sort(),
        tokenKind: entry?.kind ?? null,
        status: 200,
      };
      refreshes.push(record);
      const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
        record.status = status;
        sendJson(res, status, body, headers);
      };
      const script = presented
        ? (scriptFor(scripts, presented, path) ??
          (entry ? scriptFor(userScripts, userIdOf(entry.user), path) : null))
        : null;
      if (script) return answer(script.status, script.body ?? {}, script.headers);
      if (record.grantType !== (options.refreshGrant ?? 'ig_refresh_token')) {
        return answer(400, graphError('Unsupported grant_type', 'OAuthException', 100));
      }
      const now = clock();
      if (!entry || entry.invalidSubcode !== null) {
        return answer(400, invalidToken(entry?.invalidSubcode ?? null), wwwAuthenticate());
      }
      if (entry.expiresAt !== null && entry.expiresAt <= now) {
        return answer(400, invalidToken(463), wwwAuthenticate());
      }
      if (entry.kind !== 'long-lived') {
        return answer(
          400,
          graphError('Only long-lived access tokens can be refreshed', 'OAuthException', 100),
        );
      }
      if (now - entry.issuedAt < DAY_MS) {
        return answer(
          400,
          graphError(
            'The access token must be at least 24 hours old to be refreshed',
            'OAuthException',
            100,
          ),
        );
      }
      const refreshed = issueLongLived(entry.user, now, longLivedExpiresIn);
      return answer(200, {
        access_token: refreshed,
        token_type: 'bearer',
        expires_in: longLivedExpiresIn,
      });
    }

    const header = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = header ?? q.get('access_token') ?? undefined;
    const entry = token === undefined ? undefined : tokens.get(token);
    const record: GraphRequestRecord = {
      path,
      tokenIn: header !== undefined ? 'header' : q.has('access_token') ? 'query' : null,
      tokenKind: token === undefined ? null : (entry?.kind ?? 'unknown'),
      fields: q.get('fields'),
      after: q.get('after'),
      status: 200,
    };
    requests.push(record);
    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      record.status = status;
      sendJson(res, status, body, headers);
    };
    const script =
      token === undefined
        ? null
        : (scriptFor(scripts, token, path) ??
          (entry ? scriptFor(userScripts, userIdOf(entry.user), path) : null));
    if (script) return answer(script.status, script.body ?? {}, script.headers);
    if (token === undefined) {
      return answer(
        400,
        graphError(
          'An active access token must be used to query information about the current user.',
          'OAuthException',
          2500,
        ),
      );
    }
    // A Page token (as /me/accounts hands out) reads its own Page: `GET /me` or `GET /{page-id}`.
    const page = flavor === 'facebook' && !entry ? pageOfToken(tokens, token) : undefined;
    if (page && (path === 'me' || path === page.id)) {
      const wanted = (q.get('fields') ?? 'id,name').split(',').filter(Boolean);
      return answer(200, pick({ id: page.id, name: page.name }, ['id', ...wanted]));
    }
    if (!entry || entry.invalidSubcode !== null) {
      return answer(400, invalidToken(entry?.invalidSubcode ?? null), wwwAuthenticate());
    }
    const fields = (q.get('fields') ?? '').split(',').filter(Boolean);

    if (flavor === 'instagram') {
      const user = entry.user as GraphFakeInstagramUser;
      if (path !== 'me') return answer(400, unknownPath(path));
      const all: Record<string, unknown> = { ...user, id: user.id ?? appScopedId(user.user_id) };
      return answer(200, pick(all, fields.length ? fields : ['id', 'username']));
    }

    const user = entry.user as GraphFakeFacebookUser;
    switch (path) {
      case 'me':
        return answer(
          200,
          pick({ id: user.id, name: user.name }, fields.length ? fields : ['id', 'name']),
        );
      case 'me/permissions': {
        const granted = (user.granted ?? DEFAULT_GRANTED).map((permission) => ({
          permission,
          status: 'granted',
        }));
        const declined = (user.declined ?? []).map((permission) => ({
          permission,
          status: 'declined',
        }));
        return answer(200, { data: [...granted, ...declined] });
      }
      case 'me/accounts': {
        const limit = Math.min(Number(q.get('limit')) || 25, maxPageSize);
        const start = q.get('after')
          ? Number(Buffer.from(q.get('after')!, 'base64url').toString())
          : 0;
        const slice = user.pages.slice(start, start + limit);
        const wanted = fields.length ? fields : ['id', 'name', 'category', 'tasks', 'access_token'];
        const data = slice.map((page) => pick({ ...page }, ['id', ...wanted]));
        const body: Record<string, unknown> = { data };
        if (slice.length > 0) {
          const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
          const paging: Record<string, unknown> = {
            cursors: { before: cursor(start), after: cursor(start + slice.length) },
          };
          if (start + slice.length < user.pages.length) {
            // Like Graph, `next` repeats the query, access token included.
            const next = new URL(`${baseUrl}/${version}/me/accounts`);
            next.searchParams.set('access_token', token);
            if (q.get('fields')) next.searchParams.set('fields', q.get('fields')!);
            next.searchParams.set('limit', String(limit));
            next.searchParams.set('after', cursor(start + slice.length));
            paging.next = next.toString();
          }
          body.paging = paging;
        }
        return answer(200, body);
      }
      default:
        return answer(400, unknownPath(path));
    }
  };

  const scriptFor = (
    from: Map<string, Script[]>,
    key: string,
    path: string,
  ): ScriptedGraphResponse | null => {
    const list = from.get(key) ?? [];
    return (
      list.find((s) => s.path === path)?.response ??
      list.find((s) => s.path === null)?.response ??
      null
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    apiUrl: `${baseUrl}/${version}`,
    registerUser: (accessToken, user) =>
      void tokens.set(accessToken, {
        user,
        kind: 'short-lived',
        invalidSubcode: null,
        issuedAt: clock(),
        expiresAt: null,
      }),
    registerLongLivedToken: (accessToken, user, registration = {}) => {
      const issuedAt = (registration.issuedAt ?? new Date(clock())).getTime();
      const expiresIn = registration.expiresIn ?? longLivedExpiresIn;
      tokens.set(accessToken, {
        user,
        kind: 'long-lived',
        invalidSubcode: null,
        issuedAt,
        expiresAt: issuedAt + expiresIn * 1000,
      });
    },
    scriptResponse: (accessToken, response, scriptOptions) =>
      addScript(scripts, accessToken, response, scriptOptions?.path),
    scriptUserResponse: (userId, response, scriptOptions) =>
      addScript(userScripts, userId, response, scriptOptions?.path),
    invalidateToken: (accessToken, subcode = 463) => {
      const entry = tokens.get(accessToken);
      if (entry) entry.invalidSubcode = subcode;
    },
    requests,
    exchanges,
    longLivedTokens,
    refreshes,
    revokedPermissions,
    pageFeed,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function addScript(
  to: Map<string, Script[]>,
  key: string,
  response: ScriptedGraphResponse,
  rawPath: string | undefined,
): void {
  const path = rawPath?.replace(/^\/+/, '') ?? null;
  const list = (to.get(key) ?? []).filter((s) => s.path !== path);
  to.set(key, [...list, { response, path }]);
}

/** The Page whose Page token this is, among the Pages of the users registered so far. */
function pageOfToken(
  tokens: Map<string, { user: GraphFakeFacebookUser | GraphFakeInstagramUser }>,
  token: string,
): GraphFakePage | undefined {
  for (const { user } of tokens.values()) {
    const page = 'pages' in user ? user.pages.find((p) => p.access_token === token) : undefined;
    if (page) return page;
  }
  return undefined;
}

function userIdOf(user: GraphFakeFacebookUser | GraphFakeInstagramUser): string {
  return 'user_id' in user ? user.user_id : user.id;
}

const INVALID_TOKEN_MESSAGES: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
};

function invalidToken(subcode: number | null): unknown {
  if (subcode === null) {
    return graphError(
      'Invalid OAuth access token - Cannot parse access token',
      'OAuthException',
      190,
    );
  }
  return graphError(
    INVALID_TOKEN_MESSAGES[subcode] ?? 'Error validating access token.',
    'OAuthException',
    190,
    subcode,
  );
}

function wwwAuthenticate(): Record<string, string> {
  return {
    'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"',
  };
}

function unknownPath(path: string): unknown {
  return graphError(`Unknown path components: /${path}`, 'OAuthException', 2500);
}

function pick(source: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) if (source[field] !== undefined) result[field] = source[field];
  return result;
}

/** A stable app-scoped id for an Instagram account (Graph ids are numeric strings). */
function appScopedId(userId: string): string {
  return `${BigInt(`0x${Buffer.from(userId).toString('hex').slice(0, 12) || '1'}`)}`;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string';
  res.writeHead(status, {
    'Content-Type': text ? 'text/html; charset=utf-8' : 'application/json; charset=UTF-8',
    ...headers,
  });
  res.end(text ? body : JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------
// Page feed: `POST /{page-id}/feed` (publishing). Kept apart from the rest of the fake.
// ---------------------------------------------------------------------------------------------

export interface GraphPagePostRecord {
  /** `{page-id}_{post-id}`, as Graph answers it. */
  id: string;
  pageId: string;
  message: string;
}

export interface GraphPageFeed {
  /** Posts created, oldest first. */
  readonly posts: GraphPagePostRecord[];
  /** The next `POST /{page-id}/feed` calls answer these, in order, instead of posting. */
  failNext(...responses: ScriptedGraphResponse[]): void;
}

/**
 * `POST /{page-id}/feed` with `message` (form or JSON body) and the Page's own token (header
 * or `access_token`): `{id: "{page-id}_{post-id}"}`. A token that is not that Page's answers
 * Graph error 190 (unknown token) or 200 (a token of another Page or a user token: posting
 * needs the Page token with pages_manage_posts); the same message twice answers 506.
 */
function startPageFeed(
  tokens: Map<string, { user: GraphFakeFacebookUser | GraphFakeInstagramUser }>,
): GraphPageFeed & {
  handles(req: IncomingMessage, path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string): void;
} {
  const posts: GraphPagePostRecord[] = [];
  const failures: ScriptedGraphResponse[] = [];
  let nextId = 122000000000000000n;
  const pageOf = (token: string): GraphFakePage | undefined => {
    for (const { user } of tokens.values()) {
      const page = 'pages' in user ? user.pages.find((p) => p.access_token === token) : undefined;
      if (page) return page;
    }
    return undefined;
  };
  return {
    posts,
    failNext: (...responses) => void failures.push(...responses),
    handles: (req, path) => req.method === 'POST' && /^\d+\/feed$/.test(path),
    handle(req, res, path) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const json = (req.headers['content-type'] ?? '').includes('json');
        let params: Record<string, string> = {};
        try {
          params = json
            ? (JSON.parse(raw || '{}') as Record<string, string>)
            : Object.fromEntries(new URLSearchParams(raw));
        } catch {
          params = {};
        }
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const header = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const token = header ?? params.access_token ?? query.get('access_token') ?? undefined;
        const pageId = path.split('/')[0];
        const failure = failures.shift();
        if (failure) return sendJson(res, failure.status, failure.body ?? {}, failure.headers);
        if (!token) {
          return sendJson(
            res,
            400,
            graphError('An active access token must be used.', 'OAuthException', 2500),
          );
        }
        const page = pageOf(token);
        if (!page) {
          const known = tokens.has(token);
          return known
            ? sendJson(
                res,
                403,
                graphError(
                  "(#200) The user hasn't authorized the application to perform this action",
                  'OAuthException',
                  200,
                ),
              )
            : sendJson(res, 400, invalidToken(null), wwwAuthenticate());
        }
        if (page.id !== pageId) {
          return sendJson(
            res,
            403,
            graphError('(#200) This Page token cannot post to another Page', 'OAuthException', 200),
          );
        }
        const message = params.message ?? '';
        if (!message) {
          return sendJson(
            res,
            400,
            graphError('(#100) Missing message or attachment', 'OAuthException', 100),
          );
        }
        if (posts.some((p) => p.pageId === pageId && p.message === message)) {
          return sendJson(
            res,
            400,
            graphError('(#506) Duplicate status message', 'OAuthException', 506),
          );
        }
        nextId += 1n;
        const id = `${pageId}_${nextId}`;
        posts.push({ id, pageId, message });
        sendJson(res, 200, { id });
      });
    },
  };
}
