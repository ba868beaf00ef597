import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LinkedInOAuthServerOptions {
  clientId: string;
  clientSecret: string;
  /** The exact redirect URIs registered for the app. */
  redirectUris: string[];
  /**
   * Issue programmatic refresh tokens (approved partners only) with
   * `refresh_token_expires_in` (default off).
   */
  refreshTokens?: boolean;
  /** `expires_in` (default 5184000, 60 days). */
  accessTokenTtl?: number;
}

export interface LinkedInTokenRequestRecord {
  grantType: string | undefined;
  /** The form body's keys, sorted. */
  bodyKeys: string[];
  authorizationHeader: boolean;
}

export interface LinkedInOAuthServer {
  baseUrl: string;
  /** `/oauth/v2/authorization`, as LINKEDIN_AUTH_URL. */
  authorizationUrl: string;
  /** `/oauth/v2/accessToken`, as LINKEDIN_TOKEN_URL. */
  tokenUrl: string;
  /** The next token request answers `status` with `body`. */
  failNextTokenRequest(status: number, body?: unknown): void;
  tokenRequests(): LinkedInTokenRequestRecord[];
  authorizeRequests(): URLSearchParams[];
  /**
   * The token answer a completed authorization would give (with a refresh token when they are
   * on), without the browser dance: for refresh tests.
   */
  issueTokens(scope?: string): LinkedInTokenResponse;
  stop(): Promise<void>;
}

/** LinkedIn's token endpoint answer. */
export interface LinkedInTokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

const AUTHORIZE = '/oauth/v2/authorization';
const TOKEN = '/oauth/v2/accessToken';
const ONE_YEAR = 31_536_000;

interface IssuedCode {
  redirectUri: string;
  scope: string;
  accessToken: string | null;
}

/**
 * LinkedIn's OAuth 2.0 endpoints on 127.0.0.1 at a random port, in LinkedIn's shapes: the
 * authorization page takes `client_id`, space-separated `scope`, `state` and an exactly
 * registered `redirect_uri`, and redirects with `code` and `state`, or, when the member
 * cancels, `error=user_cancelled_authorize`. The token endpoint takes `client_id` and
 * `client_secret` in the form body (client_secret_post), checks `redirect_uri`, and answers
 * `{access_token, expires_in, scope, token_type}` (+ `refresh_token`,
 * `refresh_token_expires_in` when refresh tokens are on); errors are
 * `{error, error_description}`. Codes are single use.
 * Test hints: `x_test_access_token`, `x_test_decision=deny` (see `consentInBrowser`).
 */
export async function startLinkedInOAuthServer(
  options: LinkedInOAuthServerOptions,
): Promise<LinkedInOAuthServer> {
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, { scope: string; expiresAt: number }>();
  const tokenRequests: LinkedInTokenRequestRecord[] = [];
  const authorizeRequests: URLSearchParams[] = [];
  let nextFailure: { status: number; body: unknown } | null = null;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === AUTHORIZE) return authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === TOKEN) {
      void readForm(req).then((body) => token(req, body, res));
      return;
    }
    send(res, 404, { status: 404, message: 'Not Found' });
  });

  function authorize(q: URLSearchParams, res: ServerResponse): void {
    authorizeRequests.push(new URLSearchParams(q));
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== options.clientId) return page(res, 400, 'invalid client_id');
    if (!options.redirectUris.includes(redirectUri)) {
      return page(res, 400, 'The redirect_uri does not match the registered value');
    }
    if (q.get('response_type') !== 'code') return page(res, 400, 'response_type must be code');
    const back = new URL(redirectUri);
    if (q.get('x_test_decision') === 'deny') {
      back.searchParams.set('error', 'user_cancelled_authorize');
      back.searchParams.set('error_description', 'The user cancelled the authorization');
    } else {
      const code = random();
      codes.set(code, {
        redirectUri,
        scope: q.get('scope') ?? '',
        accessToken: q.get('x_test_access_token'),
      });
      back.searchParams.set('code', code);
    }
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { Location: back.toString() });
    res.end();
  }

  function token(req: IncomingMessage, body: URLSearchParams, res: ServerResponse): void {
    tokenRequests.push({
      grantType: body.get('grant_type') ?? undefined,
      bodyKeys: [...new Set(body.keys())].sort(),
      authorizationHeader: req.headers.authorization !== undefined,
    });
    if (nextFailure) {
      const { status, body: failureBody } = nextFailure;
      nextFailure = null;
      return send(res, status, failureBody ?? {});
    }
    const refuse = (status: number, error: string, description: string) =>
      send(res, status, { error, error_description: description });
    if (
      body.get('client_id') !== options.clientId ||
      body.get('client_secret') !== options.clientSecret
    ) {
      return refuse(401, 'invalid_client', 'Client authentication failed');
    }
    const grantType = body.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = body.get('code') ?? '';
      const issued = codes.get(code);
      codes.delete(code);
      if (!issued) {
        return refuse(
          400,
          'invalid_request',
          'Unable to retrieve access token: authorization code not found',
        );
      }
      if (body.get('redirect_uri') !== issued.redirectUri) {
        return refuse(
          400,
          'invalid_request',
          'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code',
        );
      }
      const refresh = options.refreshTokens
        ? { token: `AQ${random()}`, expiresAt: Date.now() + ONE_YEAR * 1000 }
        : null;
      if (refresh)
        refreshTokens.set(refresh.token, { scope: issued.scope, expiresAt: refresh.expiresAt });
      return send(res, 200, tokens(issued.accessToken ?? `AQ${random()}`, issued.scope, refresh));
    }
    if (grantType === 'refresh_token' && options.refreshTokens) {
      const known = refreshTokens.get(body.get('refresh_token') ?? '');
      if (!known || known.expiresAt <= Date.now()) {
        return refuse(400, 'invalid_request', 'The provided refresh token is invalid');
      }
      // LinkedIn keeps the refresh token and its original end of life.
      return send(
        res,
        200,
        tokens(`AQ${random()}`, known.scope, {
          token: body.get('refresh_token')!,
          expiresAt: known.expiresAt,
        }),
      );
    }
    return refuse(400, 'unsupported_grant_type', 'Unsupported grant type');
  }

  function tokens(
    accessToken: string,
    scope: string,
    refresh: { token: string; expiresAt: number } | null,
  ): LinkedInTokenResponse {
    return {
      access_token: accessToken,
      expires_in: options.accessTokenTtl ?? 5_184_000,
      // LinkedIn reports the granted scopes comma-separated.
      scope: scope.split(' ').filter(Boolean).join(','),
      token_type: 'Bearer',
      ...(refresh
        ? {
            refresh_token: refresh.token,
            refresh_token_expires_in: Math.floor((refresh.expiresAt - Date.now()) / 1000),
          }
        : {}),
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
    authorizeRequests: () => [...authorizeRequests],
    issueTokens: (scope = 'openid profile email w_member_social') => {
      const refresh = options.refreshTokens
        ? { token: `AQ${random()}`, expiresAt: Date.now() + ONE_YEAR * 1000 }
        : null;
      if (refresh) refreshTokens.set(refresh.token, { scope, expiresAt: refresh.expiresAt });
      return tokens(`AQ${random()}`, scope, refresh);
    },
    stop: () => stopServer(server),
  };
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

function stopServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
