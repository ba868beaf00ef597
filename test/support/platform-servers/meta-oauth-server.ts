import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Meta's three OAuth dialects. They share the authorization code flow with the app secret in
 * the token request body (no HTTP Basic, no PKCE), and differ in paths, answers and errors:
 * - facebook: www.facebook.com/v26.0/dialog/oauth, graph.facebook.com/v26.0/oauth/access_token,
 *   `{access_token, token_type:'bearer', expires_in}`, Graph-shaped errors;
 * - instagram: www.instagram.com/oauth/authorize, api.instagram.com/oauth/access_token,
 *   `{access_token, user_id, permissions}` (documented wrapped in `data:[...]`), errors
 *   `{error_type, code, error_message}`, a `#_` appended to the redirect;
 * - threads: threads.net/oauth/authorize, graph.threads.net/oauth/access_token,
 *   `{access_token, user_id}`, Graph-shaped errors.
 */
export type MetaOAuthFlavor = 'facebook' | 'instagram' | 'threads';

/** What the code exchange answered with, given the token the consent issued. */
export type MetaTokenResponder = (issued: {
  accessToken: string;
  scopes: string[];
  userId: string;
}) => unknown;

export interface MetaOAuthServerOptions {
  flavor: MetaOAuthFlavor;
  clientId: string;
  clientSecret: string;
  /** The exact redirect URIs registered for the app. */
  redirectUris: string[];
  /** Overrides the flavor's paths (they must start with '/'). */
  authorizePath?: string;
  tokenPath?: string;
  /** Overrides the flavor's success answer, e.g. `instagramTokenResponse({ wrapped: true })`. */
  tokenResponse?: MetaTokenResponder;
}

export interface MetaTokenRequestRecord {
  method: string;
  grantType: string | null;
  clientId: string | null;
  /** Whether the body's client_secret was the app's (the secret itself is never recorded). */
  clientSecretValid: boolean;
  /** An Authorization header was sent (Meta does not take HTTP Basic client auth). */
  authorizationHeader: boolean;
  bodyKeys: string[];
  redirectUri: string | null;
  /** The answer's HTTP status. */
  status: number;
}

export interface MetaAuthorizeRecord {
  scope: string | null;
  responseType: string | null;
  redirectUri: string | null;
  hasState: boolean;
  hasCodeChallenge: boolean;
}

export interface MetaOAuthServer {
  baseUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
  /** The next token request answers `status` with `body` (e.g. a 503 outage). */
  failNextTokenRequest(status: number, body?: unknown): void;
  readonly tokenRequests: MetaTokenRequestRecord[];
  readonly authorizeRequests: MetaAuthorizeRecord[];
  /** Every access token the token endpoint issued, for leak checks. */
  readonly issuedTokens: string[];
  stop(): Promise<void>;
}

interface Flavor {
  authorizePath: string;
  tokenPath: string;
  tokenResponse: MetaTokenResponder;
  /** The error an unsuccessful code exchange answers with. */
  tokenError(problem: TokenProblem): { status: number; body: unknown };
  denial: Record<string, string>;
  redirectFragment: string;
  /** Facebook's documentation shows the code exchange as a GET too. */
  acceptsGet: boolean;
}

type TokenProblem = 'client' | 'code' | 'code_used' | 'redirect_uri' | 'grant_type';

const GRAPH_TOKEN_ERRORS: Record<TokenProblem, { message: string; code: number; sub?: number }> = {
  client: { message: 'Error validating client secret.', code: 1 },
  code: { message: 'Invalid verification code format.', code: 100, sub: 36007 },
  code_used: { message: 'This authorization code has been used.', code: 100, sub: 36009 },
  redirect_uri: {
    message:
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
    code: 100,
    sub: 36008,
  },
  grant_type: { message: 'Unsupported grant_type', code: 100 },
};

const INSTAGRAM_TOKEN_ERRORS: Record<TokenProblem, string> = {
  client: 'Invalid platform app',
  code: 'Invalid authorization code',
  code_used: 'This authorization code has been used',
  redirect_uri:
    'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
  grant_type: 'Invalid grant_type',
};

function graphTokenError(problem: TokenProblem): { status: number; body: unknown } {
  const e = GRAPH_TOKEN_ERRORS[problem];
  return { status: 400, body: graphError(e.message, 'OAuthException', e.code, e.sub) };
}

/** Facebook's code exchange answer: a short-lived (about one hour) user token. */
export function facebookTokenResponse(expiresIn = 3600): MetaTokenResponder {
  return ({ accessToken }) => ({
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expiresIn,
  });
}

/**
 * Business Login for Instagram's code exchange answer, flat or (as documented) wrapped in
 * `data`. `permissions` is a comma-separated string as documented; `permissionsAsArray` gives
 * the array form seen in practice.
 */
export function instagramTokenResponse(
  options: { wrapped?: boolean; permissionsAsArray?: boolean } = {},
): MetaTokenResponder {
  return ({ accessToken, scopes, userId }) => {
    const entry = {
      access_token: accessToken,
      user_id: userId,
      permissions: options.permissionsAsArray ? scopes : scopes.join(','),
    };
    return options.wrapped ? { data: [entry] } : entry;
  };
}

/** Threads' code exchange answer: a short-lived token and the Threads user id. */
export function threadsTokenResponse(): MetaTokenResponder {
  return ({ accessToken, userId }) => ({ access_token: accessToken, user_id: userId });
}

const FLAVORS: Record<MetaOAuthFlavor, Flavor> = {
  facebook: {
    authorizePath: '/v26.0/dialog/oauth',
    tokenPath: '/v26.0/oauth/access_token',
    tokenResponse: facebookTokenResponse(),
    tokenError: graphTokenError,
    denial: {
      error: 'access_denied',
      error_code: '200',
      error_description: 'Permissions error',
      error_reason: 'user_denied',
    },
    redirectFragment: '',
    acceptsGet: true,
  },
  instagram: {
    authorizePath: '/oauth/authorize',
    tokenPath: '/oauth/access_token',
    tokenResponse: instagramTokenResponse(),
    tokenError: (problem) => ({
      status: 400,
      body: {
        error_type: 'OAuthException',
        code: 400,
        error_message: INSTAGRAM_TOKEN_ERRORS[problem],
      },
    }),
    denial: {
      error: 'access_denied',
      error_reason: 'user_denied',
      error_description: 'The user denied your request',
    },
    redirectFragment: '#_',
    acceptsGet: false,
  },
  threads: {
    authorizePath: '/oauth/authorize',
    tokenPath: '/oauth/access_token',
    tokenResponse: threadsTokenResponse(),
    tokenError: graphTokenError,
    denial: {
      error: 'access_denied',
      error_reason: 'user_denied',
      error_description: 'The user denied your request',
    },
    redirectFragment: '#_',
    acceptsGet: false,
  },
};

interface IssuedCode {
  redirectUri: string;
  scopes: string[];
  accessToken: string;
}

/**
 * A Meta OAuth server (authorization dialog and token endpoint) on 127.0.0.1 at a random
 * port, in-process. The dialog checks the app id, the exact redirect URI, `response_type=code`
 * and `state`; consent is given or refused through `consentInBrowser` (its
 * `x_test_access_token` names the token the exchange will issue, so the Graph fake knows it).
 * The token endpoint wants the app id and secret in the form body, the same redirect URI,
 * and a code used once; it answers in the flavor's shape.
 */
export async function startMetaOAuthServer(
  options: MetaOAuthServerOptions,
): Promise<MetaOAuthServer> {
  const flavor = FLAVORS[options.flavor];
  const authorizePath = options.authorizePath ?? flavor.authorizePath;
  const tokenPath = options.tokenPath ?? flavor.tokenPath;
  const respond = options.tokenResponse ?? flavor.tokenResponse;
  const codes = new Map<string, IssuedCode | null>(); // null: already used
  const tokenRequests: MetaTokenRequestRecord[] = [];
  const authorizeRequests: MetaAuthorizeRecord[] = [];
  const issuedTokens: string[] = [];
  let nextFailure: { status: number; body: unknown } | null = null;

  const authorize = (url: URL, res: ServerResponse): void => {
    const q = url.searchParams;
    authorizeRequests.push({
      scope: q.get('scope'),
      responseType: q.get('response_type'),
      redirectUri: q.get('redirect_uri'),
      hasState: Boolean(q.get('state')),
      hasCodeChallenge: q.has('code_challenge'),
    });
    const redirectUri = q.get('redirect_uri');
    const problem =
      q.get('client_id') !== options.clientId
        ? 'Invalid App ID'
        : !redirectUri || !options.redirectUris.includes(redirectUri)
          ? "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings."
          : q.get('response_type') !== 'code'
            ? 'response_type must be code'
            : !q.get('state')
              ? 'state is required'
              : !q.get('scope')
                ? 'scope is required'
                : null;
    if (problem) return sendText(res, 400, problem);
    const target = new URL(redirectUri!);
    if (q.get('x_test_decision') === 'deny') {
      for (const [key, value] of Object.entries(flavor.denial)) target.searchParams.set(key, value);
    } else {
      const code = `${random()}`;
      codes.set(code, {
        redirectUri: redirectUri!,
        scopes: q
          .get('scope')!
          .split(/[\s,]+/)
          .filter(Boolean),
        accessToken: q.get('x_test_access_token') ?? random(),
      });
      target.searchParams.set('code', code);
    }
    target.searchParams.set('state', q.get('state')!);
    res.writeHead(302, { Location: `${target.toString()}${flavor.redirectFragment}` });
    res.end();
  };

  const token = (params: URLSearchParams, req: IncomingMessage, res: ServerResponse): void => {
    const record: MetaTokenRequestRecord = {
      method: req.method ?? '',
      grantType: params.get('grant_type'),
      clientId: params.get('client_id'),
      clientSecretValid: params.get('client_secret') === options.clientSecret,
      authorizationHeader: req.headers.authorization !== undefined,
      bodyKeys: [...new Set(params.keys())].sort(),
      redirectUri: params.get('redirect_uri'),
      status: 200,
    };
    tokenRequests.push(record);
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      sendJson(res, status, body);
    };
    if (nextFailure) {
      const failure = nextFailure;
      nextFailure = null;
      return answer(failure.status, failure.body);
    }
    const refuse = (problem: TokenProblem): void => {
      const e = flavor.tokenError(problem);
      answer(e.status, e.body);
    };
    if (record.clientId !== options.clientId || !record.clientSecretValid) return refuse('client');
    if (
      record.grantType !== 'authorization_code' &&
      (options.flavor !== 'facebook' || record.grantType)
    ) {
      return refuse('grant_type');
    }
    const code = params.get('code') ?? '';
    const issued = codes.get(code);
    if (issued === undefined) return refuse('code');
    if (issued === null) return refuse('code_used');
    codes.set(code, null);
    if (record.redirectUri !== issued.redirectUri) return refuse('redirect_uri');
    issuedTokens.push(issued.accessToken);
    answer(
      200,
      respond({ accessToken: issued.accessToken, scopes: issued.scopes, userId: numericId() }),
    );
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === authorizePath && req.method === 'GET') return authorize(url, res);
    if (url.pathname === tokenPath && req.method === 'POST') {
      return void readBody(req).then((body) => token(new URLSearchParams(body), req, res));
    }
    if (url.pathname === tokenPath && req.method === 'GET' && flavor.acceptsGet) {
      return token(url.searchParams, req, res);
    }
    sendJson(
      res,
      404,
      graphError(`Unknown path components: ${url.pathname}`, 'OAuthException', 2500),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    authorizationUrl: `${baseUrl}${authorizePath}`,
    tokenUrl: `${baseUrl}${tokenPath}`,
    failNextTokenRequest: (status, body) => void (nextFailure = { status, body }),
    tokenRequests,
    authorizeRequests,
    issuedTokens,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Meta's Graph error body. */
export function graphError(
  message: string,
  type: string,
  code: number,
  subcode?: number,
): { error: Record<string, unknown> } {
  return {
    error: {
      message,
      type,
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  };
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string';
  res.writeHead(status, { 'Content-Type': text ? 'text/html; charset=utf-8' : 'application/json' });
  res.end(text ? body : JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(text);
}

function random(): string {
  return randomBytes(24).toString('base64url');
}

/** Meta ids are long numeric strings. */
function numericId(): string {
  return `1784${BigInt(`0x${randomBytes(6).toString('hex')}`)
    .toString()
    .padStart(13, '0')}`;
}
