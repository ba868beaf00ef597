import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Threads profile as `GET /me` describes it. */
export interface ThreadsProfile {
  /** Threads user id (app-scoped), a numeric string. */
  id: string;
  /** The handle, the same as the Instagram account's username. */
  username: string;
  name?: string;
  threads_profile_picture_url?: string;
  threads_biography?: string;
  is_verified?: boolean;
}

/** A reply the fake gives instead of its normal answer (a Graph error, an outage...). */
export interface ThreadsScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type ThreadsTokenKind = 'short-lived' | 'long-lived';

export interface ThreadsExchangeRecord {
  grantType: string | null;
  /** The request carried the configured app secret. */
  clientSecretValid: boolean;
  /** What the fake knew the presented access_token as; null when it did not know it. */
  tokenKind: ThreadsTokenKind | null;
  /** Which parameter names the query carried (values are secrets). */
  queryKeys: string[];
}

export interface ThreadsMeRecord {
  /** The `fields` parameter as received. */
  fields: string;
  /** How the token travelled: `Authorization: Bearer` or the `access_token` parameter. */
  via: 'header' | 'query' | null;
  tokenKind: ThreadsTokenKind | null;
}

export interface ThreadsGraphServerOptions {
  /** The Threads app secret th_exchange_token must carry. */
  clientSecret: string;
  /** Graph version in the path, as in `https://graph.threads.com/v1.0` (default `v1.0`). */
  version?: string;
  /** `expires_in` of the long-lived tokens it issues (Meta: about 60 days, e.g. 5183944). */
  longLivedExpiresIn?: number;
  /** The fake's clock, for token ages and expiries (default: the real one). */
  now?: () => Date;
}

/** When a registered token was issued and how long it lives (long-lived tokens). */
export interface ThreadsTokenTimes {
  /** Default: now on the fake's clock. */
  issuedAt?: Date;
  /** Seconds; default the server's `longLivedExpiresIn` for long-lived tokens, untracked otherwise. */
  expiresIn?: number;
}

/** One `GET /refresh_access_token` call. */
export interface ThreadsRefreshRecord {
  grantType: string | null;
  tokenKind: ThreadsTokenKind | null;
  /** Which parameter names the query carried (values are secrets). */
  queryKeys: string[];
  status: number;
}

/** A post `POST /{user}/threads_publish` made public. */
export interface ThreadsPostRecord {
  id: string;
  userId: string;
  text: string;
}

export interface ThreadsGraphServer {
  /** Text posts published (`POST /{user}/threads` then `/threads_publish`), oldest first. */
  readonly threadsPosts: ThreadsPostRecord[];
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The versioned base, what `THREADS_API_URL` names: `${baseUrl}/v1.0`. */
  apiUrl: string;
  /** A token the OAuth server hands out (short-lived by default) now belongs to `profile`. */
  registerToken(
    accessToken: string,
    profile: ThreadsProfile,
    kind?: ThreadsTokenKind,
    times?: ThreadsTokenTimes,
  ): void;
  /** The token has lapsed: Graph answers error 190 (subcode 463) for it. */
  expireToken(accessToken: string): void;
  /** Requests made with this token (exchange or `/me`) answer `response` instead. */
  scriptResponse(accessToken: string, response: ThreadsScriptedResponse): void;
  /** The profile a known token belongs to (lets the OAuth server answer `user_id`). */
  profileOf(accessToken: string): ThreadsProfile | undefined;
  /** Long-lived tokens handed out by th_exchange_token (and th_refresh_token), oldest first. */
  readonly issuedLongLivedTokens: string[];
  readonly exchangeRequests: ThreadsExchangeRecord[];
  /**
   * `GET /refresh_access_token?grant_type=th_refresh_token&access_token=...` calls. As Meta
   * documents it, only a long-lived token at least 24 hours old and unexpired is refreshed,
   * into a new long-lived one; the old one keeps working until its own expiry. Meta does not
   * document the error for a token under 24 hours old: the fake answers Graph error 100.
   */
  readonly refreshRequests: ThreadsRefreshRecord[];
  readonly meRequests: ThreadsMeRecord[];
  stop(): Promise<void>;
}

const PROFILE_FIELDS = [
  'username',
  'name',
  'threads_profile_picture_url',
  'threads_biography',
  'is_verified',
] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** About 60 days, as Meta's own example response says. */
export const THREADS_LONG_LIVED_EXPIRES_IN = 5183944;

/**
 * The Threads Graph API (graph.threads.com) on 127.0.0.1 at a random port, in Meta's shapes:
 * `GET /{version}/access_token?grant_type=th_exchange_token&client_secret&access_token`
 * → `{access_token, token_type:"bearer", expires_in}`, and `GET /{version}/me?fields=...`
 * → the profile with `id` and only the requested fields. Any token the test did not register
 * answers Graph error 190 (OAuthException) with HTTP 400, as Meta does.
 */
export async function startThreadsGraphServer(
  options: ThreadsGraphServerOptions,
): Promise<ThreadsGraphServer> {
  const version = options.version ?? 'v1.0';
  const longLivedExpiresIn = options.longLivedExpiresIn ?? THREADS_LONG_LIVED_EXPIRES_IN;
  const tokens = new Map<
    string,
    { profile: ThreadsProfile; kind: ThreadsTokenKind; issuedAt: number; expiresAt: number | null }
  >();
  const clock = (): number => (options.now ? options.now() : new Date()).getTime();
  const refreshRequests: ThreadsRefreshRecord[] = [];
  const issueLongLived = (profile: ThreadsProfile): string => {
    const longLived = `THAA${randomBytes(24).toString('base64url')}`;
    const issuedAt = clock();
    tokens.set(longLived, {
      profile,
      kind: 'long-lived',
      issuedAt,
      expiresAt: issuedAt + longLivedExpiresIn * 1000,
    });
    issuedLongLivedTokens.push(longLived);
    return longLived;
  };
  const expired = new Set<string>();
  const scripted = new Map<string, ThreadsScriptedResponse>();
  const issuedLongLivedTokens: string[] = [];
  const exchangeRequests: ThreadsExchangeRecord[] = [];
  const meRequests: ThreadsMeRecord[] = [];

  /** Error 190 for unknown or lapsed tokens; null when the token is usable. */
  function refuseToken(res: ServerResponse, token: string | null): boolean {
    if (token !== null && expired.has(token)) {
      sendThreadsGraphError(res, 400, {
        message: 'Error validating access token: Session has expired.',
        type: 'OAuthException',
        code: 190,
        error_subcode: 463,
      });
      return true;
    }
    if (token === null || !tokens.has(token)) {
      sendThreadsGraphError(res, 400, {
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
      });
      return true;
    }
    return false;
  }

  const containers = new Map<string, { userId: string; text: string; published: boolean }>();
  const threadsPosts: ThreadsPostRecord[] = [];
  let nextId = 17900000000000000n;
  /**
   * Publishing, in Meta's two steps: `POST /{user}/threads?media_type=TEXT&text=` creates a
   * container `{id}`; `POST /{user}/threads_publish?creation_id=` publishes it `{id}`.
   * Parameters in the query or a form body; only the user's own token may post as them.
   */
  async function publishing(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += (chunk as Buffer).toString();
    const params = new URLSearchParams(query);
    for (const [key, value] of new URLSearchParams(raw)) params.set(key, value);
    const header = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = header ?? params.get('access_token');
    const script = token === null ? undefined : scripted.get(token);
    if (script) return send(res, script.status, script.body ?? {}, script.headers);
    if (refuseToken(res, token)) return;
    const [, userId, edge] = path.split('/');
    if (tokens.get(token as string)?.profile.id !== userId) {
      return sendThreadsGraphError(res, 403, {
        message: '(#10) Application does not have permission for this action',
        type: 'OAuthException',
        code: 10,
      });
    }
    if (edge === 'threads') {
      const text = params.get('text') ?? '';
      if (params.get('media_type') !== 'TEXT' || !text || [...text].length > 500) {
        return sendThreadsGraphError(res, 400, {
          message: 'Invalid parameter',
          type: 'OAuthException',
          code: 100,
        });
      }
      nextId += 1n;
      containers.set(String(nextId), { userId, text, published: false });
      return send(res, 200, { id: String(nextId) });
    }
    const container = containers.get(params.get('creation_id') ?? '');
    if (!container || container.userId !== userId || container.published) {
      return sendThreadsGraphError(res, 400, {
        message: 'The media could not be found or was already published',
        type: 'OAuthException',
        code: 24,
        error_subcode: 4279009,
      });
    }
    container.published = true;
    nextId += 1n;
    threadsPosts.push({ id: String(nextId), userId, text: container.text });
    send(res, 200, { id: String(nextId) });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Meta answers both the versioned and the unversioned path.
    const path = url.pathname.replace(new RegExp(`^/${escapeRegExp(version)}(?=/)`), '');
    if (req.method === 'POST' && /^\/\d+\/threads(_publish)?$/.test(path)) {
      return void publishing(req, res, path, url.searchParams);
    }
    if (req.method !== 'GET') {
      return sendThreadsGraphError(res, 400, unsupported(req.method ?? '', url.pathname));
    }
    const q = url.searchParams;

    if (path === '/access_token') {
      const token = q.get('access_token');
      const known = token === null ? undefined : tokens.get(token);
      exchangeRequests.push({
        grantType: q.get('grant_type'),
        clientSecretValid: q.get('client_secret') === options.clientSecret,
        tokenKind: known?.kind ?? null,
        queryKeys: [...new Set(q.keys())].sort(),
      });
      const script = token === null ? undefined : scripted.get(token);
      if (script) return send(res, script.status, script.body ?? {}, script.headers);
      if (q.get('grant_type') !== 'th_exchange_token') {
        return sendThreadsGraphError(res, 400, {
          message: 'Unsupported grant_type',
          type: 'OAuthException',
          code: 100,
        });
      }
      if (q.get('client_secret') !== options.clientSecret) {
        return sendThreadsGraphError(res, 400, {
          message: 'Error validating client secret.',
          type: 'OAuthException',
          code: 1,
        });
      }
      if (refuseToken(res, token)) return;
      if (known!.kind !== 'short-lived') {
        return sendThreadsGraphError(res, 400, {
          message: 'Only short-lived access tokens can be exchanged',
          type: 'OAuthException',
          code: 100,
        });
      }
      const longLived = issueLongLived(known!.profile);
      return send(res, 200, {
        access_token: longLived,
        token_type: 'bearer',
        expires_in: longLivedExpiresIn,
      });
    }

    if (path === '/refresh_access_token') {
      const token = q.get('access_token');
      const known = token === null ? undefined : tokens.get(token);
      const record: ThreadsRefreshRecord = {
        grantType: q.get('grant_type'),
        tokenKind: known?.kind ?? null,
        queryKeys: [...new Set(q.keys())].sort(),
        status: 200,
      };
      refreshRequests.push(record);
      const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
        record.status = status;
        send(res, status, body, headers);
      };
      const refuse = (error: ThreadsGraphErrorDetail) => {
        record.status = 400;
        sendThreadsGraphError(res, 400, error);
      };
      const script = token === null ? undefined : scripted.get(token);
      if (script) return reply(script.status, script.body ?? {}, script.headers);
      if (q.get('grant_type') !== 'th_refresh_token') {
        return refuse({ message: 'Unsupported grant_type', type: 'OAuthException', code: 100 });
      }
      const now = clock();
      if (token !== null && known?.expiresAt != null && known.expiresAt <= now) {
        expired.add(token);
      }
      if (refuseToken(res, token)) {
        record.status = 400;
        return;
      }
      if (known!.kind !== 'long-lived') {
        return refuse({
          message: 'Only long-lived access tokens can be refreshed',
          type: 'OAuthException',
          code: 100,
        });
      }
      if (now - known!.issuedAt < DAY_MS) {
        return refuse({
          message: 'The access token must be at least 24 hours old to be refreshed',
          type: 'OAuthException',
          code: 100,
        });
      }
      return reply(200, {
        access_token: issueLongLived(known!.profile),
        token_type: 'bearer',
        expires_in: longLivedExpiresIn,
      });
    }

    if (path === '/me') {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
      const token = bearer ?? q.get('access_token');
      const known = token === null ? undefined : tokens.get(token);
      meRequests.push({
        fields: q.get('fields') ?? '',
        via: bearer !== null ? 'header' : token !== null ? 'query' : null,
        tokenKind: known?.kind ?? null,
      });
      const script = token === null ? undefined : scripted.get(token);
      if (script) return send(res, script.status, script.body ?? {}, script.headers);
      if (refuseToken(res, token)) return;
      const profile = known!.profile;
      const fields = (q.get('fields') ?? '').split(',').map((f) => f.trim());
      const body: Record<string, unknown> = { id: profile.id };
      for (const field of PROFILE_FIELDS) {
        if (fields.includes(field) && profile[field] !== undefined) body[field] = profile[field];
      }
      return send(res, 200, body);
    }

    sendThreadsGraphError(res, 400, unsupported('GET', url.pathname));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    apiUrl: `${baseUrl}/${version}`,
    registerToken: (accessToken, profile, kind = 'short-lived', times = {}) => {
      const issuedAt = (times.issuedAt ?? new Date(clock())).getTime();
      const expiresIn = times.expiresIn ?? (kind === 'long-lived' ? longLivedExpiresIn : undefined);
      tokens.set(accessToken, {
        profile,
        kind,
        issuedAt,
        expiresAt: expiresIn === undefined ? null : issuedAt + expiresIn * 1000,
      });
    },
    expireToken: (accessToken) => void expired.add(accessToken),
    scriptResponse: (accessToken, response) => void scripted.set(accessToken, response),
    profileOf: (accessToken) => tokens.get(accessToken)?.profile,
    threadsPosts,
    issuedLongLivedTokens,
    exchangeRequests,
    refreshRequests,
    meRequests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The `error` object of a Graph error body. */
export interface ThreadsGraphErrorDetail {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
}

/** Answers `{error:{message,type,code,error_subcode?,fbtrace_id}}` as Meta's Graph hosts do. */
export function sendThreadsGraphError(
  res: ServerResponse,
  status: number,
  error: ThreadsGraphErrorDetail,
): void {
  send(res, status, { error: { ...error, fbtrace_id: randomBytes(8).toString('base64url') } });
}

function unsupported(method: string, path: string): ThreadsGraphErrorDetail {
  return {
    message: `Unsupported ${method} request. Object with ID '${path.split('/').pop()}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
