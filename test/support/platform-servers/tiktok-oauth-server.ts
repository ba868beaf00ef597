import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TikTokOAuthServerOptions {
  clientKey: string;
  clientSecret: string;
  /** The exact redirect URIs registered for the app. */
  redirectUris: string[];
  /** The `open_id` to issue with an access token (default: a fresh one per authorization). */
  openIdOf?: (accessToken: string) => string | undefined;
  /** `expires_in` (default 86400) and `refresh_expires_in` (default 31536000). */
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
}

export interface TikTokTokenRequestRecord {
  grantType: string | undefined;
  /** The form body's keys, sorted. */
  bodyKeys: string[];
  clientKey: string | null;
  authorizationHeader: boolean;
}

export interface TikTokOAuthServer {
  baseUrl: string;
  /** `/v2/auth/authorize/`, as TIKTOK_AUTH_URL. */
  authorizationUrl: string;
  /** `/v2/oauth/token/`, as TIKTOK_TOKEN_URL. */
  tokenUrl: string;
  /** The next token request answers `status` with `body` (e.g. 503, or a 200 carrying an error). */
  failNextTokenRequest(status: number, body?: unknown): void;
  tokenRequests(): TikTokTokenRequestRecord[];
  /** `POST /v2/oauth/revoke/` calls received (a revoked access token's refresh tokens die). */
  revocations(): { token: string; known: boolean }[];
  /** Query strings the authorize endpoint received, oldest first. */
  authorizeRequests(): URLSearchParams[];
  /**
   * The token answer a completed authorization would give (a live, rotating refresh token
   * included), without the browser dance: for refresh tests.
   */
  issueTokens(options?: { scope?: string; openId?: string }): TikTokTokenResponse;
  stop(): Promise<void>;
}

/** TikTok's token endpoint answer. */
export interface TikTokTokenResponse {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_expires_in: number;
  refresh_token: string;
  scope: string;
  token_type: string;
}

const AUTHORIZE = '/v2/auth/authorize/';
const TOKEN = '/v2/oauth/token/';
const REVOKE = '/v2/oauth/revoke/';

interface IssuedCode {
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  accessToken: string | null;
}

/**
 * TikTok Login Kit (OAuth v2) on 127.0.0.1 at a random port, in TikTok's shapes: the
 * authorize endpoint takes `client_key` (not `client_id`) and comma-separated scopes and
 * redirects with `code`, `scopes` and `state`; the token endpoint takes a form body with
 * `client_key` and `client_secret`, checks the redirect URI (and the PKCE verifier when a
 * challenge was sent), and answers `{access_token, expires_in, open_id, refresh_token,
 * refresh_expires_in, scope, token_type}`; errors are `{error, error_description, log_id}`.
 * Codes are single use; refresh tokens rotate. Test hints on the authorize URL, as
 * `consentInBrowser` sends them: `x_test_access_token`, `x_test_decision=deny`.
 */
export async function startTikTokOAuthServer(
  options: TikTokOAuthServerOptions,
): Promise<TikTokOAuthServer> {
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, { scope: string; openId: string }>();
  const tokenRequests: TikTokTokenRequestRecord[] = [];
  const authorizeRequests: URLSearchParams[] = [];
  const openIdByAccessToken = new Map<string, string>();
  const revocations: { token: string; known: boolean }[] = [];
  let nextFailure: { status: number; body: unknown } | null = null;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === AUTHORIZE) return authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === TOKEN) {
      void readForm(req).then((body) => token(req, body, res));
      return;
    }
    if (req.method === 'POST' && url.pathname === REVOKE) {
      void readForm(req).then((body) => revoke(body, res));
      return;
    }
    send(res, 404, { error: 'not_found' });
  });

  // TikTok's revoke: form `client_key`, `client_secret`, `token`; the user's authorization of
  // the app ends, so the refresh tokens issued with it stop working too.
  function revoke(body: URLSearchParams, res: ServerResponse): void {
    if (
      body.get('client_key') !== options.clientKey ||
      body.get('client_secret') !== options.clientSecret
    ) {
      return send(res, 401, {
        error: 'invalid_client',
        error_description: 'Client key or secret is invalid',
        log_id: logId(),
      });
    }
    const token = body.get('token') ?? '';
    const openId = openIdByAccessToken.get(token);
    revocations.push({ token, known: openId !== undefined });
    if (openId === undefined) {
      return send(res, 400, {
        error: 'invalid_request',
        error_description: 'Access token is invalid or not found',
        log_id: logId(),
      });
    }
    openIdByAccessToken.delete(token);
    for (const [refresh, issued] of refreshTokens) {
      if (issued.openId === openId) refreshTokens.delete(refresh);
    }
    send(res, 200, {});
  }

  function authorize(q: URLSearchParams, res: ServerResponse): void {
    authorizeRequests.push(new URLSearchParams(q));
    const redirectUri = q.get('redirect_uri') ?? '';
    // TikTok shows its own error page for these instead of redirecting.
    if (q.get('client_key') !== options.clientKey) return page(res, 400, 'Unknown client_key');
    if (!options.redirectUris.includes(redirectUri)) return page(res, 400, 'redirect_uri mismatch');
    if (q.get('response_type') !== 'code') return page(res, 400, 'response_type must be code');
    if (!q.get('scope')) return page(res, 400, 'scope is required');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (q.get('x_test_decision') === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the request');
    } else {
      if (q.has('code_challenge') && q.get('code_challenge_method') !== 'S256') {
        return page(res, 400, 'Unsupported code_challenge_method');
      }
      const code = random();
      codes.set(code, {
        redirectUri,
        scope: q.get('scope') ?? '',
        codeChallenge: q.get('code_challenge'),
        accessToken: q.get('x_test_access_token'),
      });
      back.searchParams.set('code', code);
      back.searchParams.set('scopes', q.get('scope') ?? '');
    }
    res.writeHead(302, { Location: back.toString() });
    res.end();
  }

  function token(req: IncomingMessage, body: URLSearchParams, res: ServerResponse): void {
    tokenRequests.push({
      grantType: body.get('grant_type') ?? undefined,
      bodyKeys: [...new Set(body.keys())].sort(),
      clientKey: body.get('client_key'),
      authorizationHeader: req.headers.authorization !== undefined,
    });
    if (nextFailure) {
      const { status, body: failureBody } = nextFailure;
      nextFailure = null;
      return send(res, status, failureBody ?? {});
    }
    const refuse = (status: number, error: string, description: string) =>
      send(res, status, { error, error_description: description, log_id: logId() });
    if (
      body.get('client_key') !== options.clientKey ||
      body.get('client_secret') !== options.clientSecret
    ) {
      return refuse(401, 'invalid_client', 'Client key or secret is invalid');
    }
    if (body.has('client_id')) return refuse(400, 'invalid_request', 'Unexpected client_id');
    const grantType = body.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = body.get('code') ?? '';
      const issued = codes.get(code);
      codes.delete(code);
      if (!issued) return refuse(400, 'invalid_grant', 'Authorization code is expired or invalid');
      if (body.get('redirect_uri') !== issued.redirectUri) {
        return refuse(400, 'invalid_grant', 'redirect_uri does not match');
      }
      if (
        issued.codeChallenge !== null &&
        !pkceMatches(body.get('code_verifier'), issued.codeChallenge)
      ) {
        return refuse(400, 'invalid_grant', 'Code verifier or code challenge is invalid');
      }
      const accessToken = issued.accessToken ?? `act.${random()}`;
      const openId = options.openIdOf?.(accessToken) ?? `-000${random()}`;
      return send(res, 200, tokens(accessToken, openId, issued.scope));
    }
    if (grantType === 'refresh_token') {
      const presented = body.get('refresh_token') ?? '';
      const known = refreshTokens.get(presented);
      refreshTokens.delete(presented); // TikTok rotates refresh tokens
      if (!known) return refuse(400, 'invalid_grant', 'Refresh token is invalid or expired');
      return send(res, 200, tokens(`act.${random()}`, known.openId, known.scope));
    }
    return refuse(400, 'unsupported_grant_type', 'Unsupported grant type');
  }

  function tokens(accessToken: string, openId: string, scope: string): TikTokTokenResponse {
    const refreshToken = `rft.${random()}`;
    openIdByAccessToken.set(accessToken, openId);
    refreshTokens.set(refreshToken, { scope, openId });
    return {
      access_token: accessToken,
      expires_in: options.accessTokenTtl ?? 86_400,
      open_id: openId,
      refresh_expires_in: options.refreshTokenTtl ?? 31_536_000,
      refresh_token: refreshToken,
      scope,
      token_type: 'Bearer',
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    authorizationUrl: `${baseUrl}${AUTHORIZE}`,
    tokenUrl: `${baseUrl}${TOKEN}`,
    failNextTokenRequest: (status, body) => void (nextFailure = { status, body }),
    tokenRequests: () => [...tokenRequests],
    revocations: () => [...revocations],
    authorizeRequests: () => [...authorizeRequests],
    issueTokens: (issue = {}) =>
      tokens(
        `act.${random()}`,
        issue.openId ?? `-000${random()}`,
        issue.scope ?? 'user.info.basic,user.info.profile,user.account.type,video.publish',
      ),
    stop: () => stopServer(server),
  };
}

function pkceMatches(verifier: string | null, challenge: string): boolean {
  if (!verifier) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(new URLSearchParams(text)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function page(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(message);
}

function random(): string {
  return randomBytes(24).toString('base64url');
}

function logId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

function stopServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
