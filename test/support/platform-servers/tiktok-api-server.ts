import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A TikTok account as the fakes know it: Display API user fields plus the account type. */
export interface TikTokApiAccount {
  open_id: string;
  union_id?: string;
  display_name: string;
  username?: string;
  avatar_url?: string;
  is_verified?: boolean;
  /** What the API for Business's `business/get` says. */
  is_business_account: boolean;
}

export interface TikTokScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface TikTokApiServer {
  /** Base of both the Display API (TIKTOK_API_URL) and the API for Business. */
  baseUrl: string;
  /** Requests with this token answer as `account`. */
  registerToken(accessToken: string, account: TikTokApiAccount): void;
  /** `GET /v2/user/info/` with this token answers `response` instead. */
  scriptUserInfo(accessToken: string, response: TikTokScriptedResponse): void;
  /** `GET /open_api/v1.3/business/get/` with this token answers `response` instead. */
  scriptBusinessGet(accessToken: string, response: TikTokScriptedResponse): void;
  /** The open_id behind a registered token (for the OAuth fake's token response). */
  openIdOf(accessToken: string): string | undefined;
  /** `fields` query values `/v2/user/info/` received, oldest first. */
  readonly userFieldsRequested: string[];
  /** Query strings `business/get` received, oldest first. */
  readonly businessRequests: URLSearchParams[];
  stop(): Promise<void>;
}

const USER_INFO = '/v2/user/info/';
const BUSINESS_GET = '/open_api/v1.3/business/get/';
const DISPLAY_FIELDS = [
  'open_id',
  'union_id',
  'display_name',
  'username',
  'avatar_url',
  'is_verified',
] as const;
const BUSINESS_FIELDS = ['is_business_account', 'username', 'display_name', 'profile_image'];

/**
 * TikTok's APIs on 127.0.0.1 at a random port, in TikTok's shapes:
 * - Display API `GET /v2/user/info/?fields=...` with `Authorization: Bearer`:
 *   `{data:{user:{requested fields}}, error:{code:'ok', message:'', log_id}}`; an unknown
 *   token is 401 with `error.code` `access_token_invalid`.
 * - API for Business `GET /open_api/v1.3/business/get/?business_id=&fields=[...]` with
 *   `Access-Token`: HTTP 200 `{code:0, message:'OK', request_id, data}`; failures are
 *   non-zero codes on HTTP 200 (40105 for an unknown token, 40001 for another account's
 *   business_id, 40002 for bad parameters).
 */
export async function startTikTokApiServer(): Promise<TikTokApiServer> {
  const accounts = new Map<string, TikTokApiAccount>();
  const userInfoScripts = new Map<string, TikTokScriptedResponse>();
  const businessScripts = new Map<string, TikTokScriptedResponse>();
  const userFieldsRequested: string[] = [];
  const businessRequests: URLSearchParams[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === USER_INFO) {
      const fields = url.searchParams.get('fields') ?? '';
      userFieldsRequested.push(fields);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const script = token === undefined ? undefined : userInfoScripts.get(token);
      if (script) return send(res, script.status, script.body ?? {}, script.headers);
      const account = token === undefined ? undefined : accounts.get(token);
      if (!account) {
        return send(res, 401, {
          data: {},
          error: {
            code: 'access_token_invalid',
            message: 'The access token is invalid or not found in the request.',
            log_id: logId(),
          },
        });
      }
      const requested = fields.split(',').filter(Boolean);
      if (requested.length === 0) {
        return send(res, 400, {
          data: {},
          error: { code: 'invalid_params', message: 'fields is required', log_id: logId() },
        });
      }
      const user: Record<string, unknown> = {};
      for (const field of DISPLAY_FIELDS) {
        if (requested.includes(field) && account[field] !== undefined) user[field] = account[field];
      }
      return send(res, 200, {
        data: { user },
        error: { code: 'ok', message: '', log_id: logId() },
      });
    }
    if (req.method === 'GET' && url.pathname === BUSINESS_GET) {
      businessRequests.push(new URLSearchParams(url.searchParams));
      const headerToken = req.headers['access-token'];
      const token = typeof headerToken === 'string' ? headerToken : undefined;
      const script = token === undefined ? undefined : businessScripts.get(token);
      if (script) return send(res, script.status, script.body ?? {}, script.headers);
      const account = token === undefined ? undefined : accounts.get(token);
      const reply = (code: number, message: string, data?: unknown) =>
        send(res, 200, { code, message, request_id: logId(), ...(data ? { data } : {}) });
      if (!account) return reply(40105, 'Access token is incorrect or has been revoked.');
      if (url.searchParams.get('business_id') !== account.open_id) {
        return reply(40001, 'No permission to access this TikTok account.');
      }
      let fields: unknown;
      try {
        fields = JSON.parse(url.searchParams.get('fields') ?? '["display_name","profile_image"]');
      } catch {
        return reply(40002, 'fields: invalid JSON array');
      }
      if (!Array.isArray(fields) || fields.some((f) => !BUSINESS_FIELDS.includes(f))) {
        return reply(40002, 'fields: unknown field');
      }
      const all: Record<string, unknown> = {
        is_business_account: account.is_business_account,
        username: account.username,
        display_name: account.display_name,
        profile_image: account.avatar_url,
      };
      return reply(0, 'OK', Object.fromEntries(fields.map((f: string) => [f, all[f]])));
    }
    send(res, 404, {
      data: {},
      error: { code: 'not_found', message: 'Not found', log_id: logId() },
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    registerToken: (accessToken, account) => void accounts.set(accessToken, account),
    scriptUserInfo: (accessToken, response) => void userInfoScripts.set(accessToken, response),
    scriptBusinessGet: (accessToken, response) => void businessScripts.set(accessToken, response),
    openIdOf: (accessToken) => accounts.get(accessToken)?.open_id,
    userFieldsRequested,
    businessRequests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
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

function logId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}
