import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendThreadsGraphError } from './threads-graph-server';

export interface ThreadsOAuthServerOptions {
  /** The Threads app id and secret. */
  clientId: string;
  clientSecret: string;
  /** The exact redirect URIs registered for the app ("Valid OAuth Redirect URIs"). */
  redirectUris: string[];
  /**
   * The Threads user id to answer as `user_id` for an access token (wire it to the Graph
   * fake's `profileOf`); a random numeric id when absent or unknown.
   */
  userIdFor?: (accessToken: string) => string | undefined;
}

export interface ThreadsTokenRequestRecord {
  grantType: string | null;
  /** client_id and client_secret in the form body matched the app's. */
  clientIdValid: boolean;
  clientSecretValid: boolean;
  /** An `Authorization` header came along (Meta authenticates by the body only). */
  authorizationHeader: boolean;
  /** Names of the form fields (values are secrets). */
  bodyKeys: string[];
}

export interface ThreadsAuthorizeRecord {
  /** The query parameters as sent, minus the test's consent hints. */
  query: Record<string, string>;
}

export interface ThreadsOAuthServer {
  baseUrl: string;
  /** What `THREADS_AUTH_URL` names: `${baseUrl}/oauth/authorize`. */
  authorizationUrl: string;
  /** What `THREADS_TOKEN_URL` names: `${baseUrl}/oauth/access_token`. */
  tokenUrl: string;
  /** The next code exchange answers `status` with `body` (a string is sent as is). */
  failNextTokenRequest(status: number, body?: unknown): void;
  readonly tokenRequests: ThreadsTokenRequestRecord[];
  readonly authorizeRequests: ThreadsAuthorizeRecord[];
  stop(): Promise<void>;
}

interface IssuedCode {
  redirectUri: string;
  accessToken: string;
  issuedAt: number;
}

const AUTHORIZE = '/oauth/authorize';
const TOKEN = '/oauth/access_token';
/** Threads authorization codes are valid for one hour and single use. */
const CODE_LIFETIME_MS = 60 * 60 * 1000;
const THREADS_SCOPES = new Set([
  'threads_basic',
  'threads_content_publish',
  'threads_read_replies',
  'threads_manage_replies',
  'threads_manage_insights',
  'threads_keyword_search',
  'threads_manage_mentions',
  'threads_location_tagging',
  'threads_delete',
  'threads_profile_discovery',
]);

/**
 * Threads' Authorization Window (threads.com/oauth/authorize) and code exchange
 * (graph.threads.com/oauth/access_token) on 127.0.0.1 at a random port, as Meta runs them:
 * exact client id and registered redirect URI, comma- or space-separated scopes with
 * `threads_basic` required, no PKCE; the redirect back carries `code` and `state` (and Meta's
 * `#_`); the token request is a form POST with client_id, client_secret, code,
 * grant_type=authorization_code and the same redirect_uri, answering a short-lived
 * `{access_token, user_id}`; codes live one hour and work once; refusals are Graph errors.
 *
 * The consent screen reads the hints `consentInBrowser` adds: `x_test_access_token` (the token
 * to issue, so the Graph fake knows it) and `x_test_decision=deny` (the user cancels).
 */
export async function startThreadsOAuthServer(
  options: ThreadsOAuthServerOptions,
): Promise<ThreadsOAuthServer> {
  const codes = new Map<string, IssuedCode>();
  const tokenRequests: ThreadsTokenRequestRecord[] = [];
  const authorizeRequests: ThreadsAuthorizeRecord[] = [];
  let nextTokenFailure: { status: number; body: unknown } | null = null;

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const accessTokenHint = q.get('x_test_access_token');
    const decision = q.get('x_test_decision');
    q.delete('x_test_access_token');
    q.delete('x_test_decision');
    authorizeRequests.push({ query: Object.fromEntries(q) });

    const redirectUri = q.get('redirect_uri') ?? '';
    // Before the redirect URI is trusted, Meta shows an error page instead of redirecting.
    if (q.get('client_id') !== options.clientId) {
      return page(res, 400, 'Invalid app ID');
    }
    if (!options.redirectUris.includes(redirectUri)) {
      return page(res, 400, "URL blocked: this redirect URI is not in the app's settings");
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const scopes = (q.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    const refusal =
      q.get('response_type') !== 'code'
        ? 'response_type must be code'
        : !scopes.includes('threads_basic')
          ? 'threads_basic is required'
          : scopes.find((s) => !THREADS_SCOPES.has(s))
            ? 'Invalid scope'
            : null;
    if (refusal) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', refusal);
      return redirect(res, back);
    }
    if (decision === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_reason', 'user_denied');
      back.searchParams.set('error_description', 'Permissions error');
      return redirect(res, back);
    }
    const code = `AQ${randomBytes(32).toString('base64url')}`;
    codes.set(code, {
      redirectUri,
      accessToken: accessTokenHint ?? `THQV${randomBytes(24).toString('base64url')}`,
      issuedAt: Date.now(),
    });
    back.searchParams.set('code', code);
    // Meta appends `#_` to the redirect; it is not part of the code.
    redirect(res, back, '#_');
  }

  async function token(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    // Meta reads the parameters from the form body or the query string alike.
    const form = new URLSearchParams(text);
    for (const [key, value] of url.searchParams) if (!form.has(key)) form.set(key, value);
    tokenRequests.push({
      grantType: form.get('grant_type'),
      clientIdValid: form.get('client_id') === options.clientId,
      clientSecretValid: form.get('client_secret') === options.clientSecret,
      authorizationHeader: req.headers.authorization !== undefined,
      bodyKeys: [...new Set(new URLSearchParams(text).keys())].sort(),
    });
    if (nextTokenFailure) {
      const { status, body } = nextTokenFailure;
      nextTokenFailure = null;
      return send(res, status, body);
    }
    if (form.get('client_id') !== options.clientId) {
      return sendThreadsGraphError(res, 400, {
        message: 'Error validating application. Invalid application ID.',
        type: 'OAuthException',
        code: 101,
      });
    }
    if (form.get('client_secret') !== options.clientSecret) {
      return sendThreadsGraphError(res, 400, {
        message: 'Error validating client secret.',
        type: 'OAuthException',
        code: 1,
      });
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return sendThreadsGraphError(res, 400, {
        message: 'Unsupported grant_type',
        type: 'OAuthException',
        code: 100,
      });
    }
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    codes.delete(code);
    if (!issued || Date.now() - issued.issuedAt > CODE_LIFETIME_MS) {
      return sendThreadsGraphError(res, 400, {
        message: 'Invalid verification code format.',
        type: 'OAuthException',
        code: 100,
      });
    }
    if (form.get('redirect_uri') !== issued.redirectUri) {
      return sendThreadsGraphError(res, 400, {
        message:
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        type: 'OAuthException',
        code: 100,
      });
    }
    const userId =
      options.userIdFor?.(issued.accessToken) ??
      `${1 + Math.floor(Math.random() * 9)}${digits(16)}`;
    // Meta sends user_id as a JSON number, which may exceed 2^53: write it verbatim.
    const accessToken = JSON.stringify(issued.accessToken);
    send(
      res,
      200,
      `{"access_token":${accessToken},"user_id":${/^\d+$/.test(userId) ? userId : JSON.stringify(userId)}}`,
    );
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === AUTHORIZE && req.method === 'GET') return authorize(url, res);
    if (url.pathname === TOKEN && req.method === 'POST') {
      return void token(req, url, res).catch(() => send(res, 500, {}));
    }
    sendThreadsGraphError(res, 404, {
      message: 'Unknown path components',
      type: 'OAuthException',
      code: 2500,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    authorizationUrl: `${baseUrl}${AUTHORIZE}`,
    tokenUrl: `${baseUrl}${TOKEN}`,
    failNextTokenRequest: (status, body = {}) => void (nextTokenFailure = { status, body }),
    tokenRequests,
    authorizeRequests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function redirect(res: ServerResponse, location: URL, fragment = ''): void {
  res.writeHead(302, { Location: `${location.toString()}${fragment}` });
  res.end();
}

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!DOCTYPE html><title>Threads</title><p>${text}</p>`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += Math.floor(Math.random() * 10);
  return out;
}
