// X's OAuth 2.0 endpoints for tests, on oauth2-mock-server. Runs as a child process because
// the package is ESM-only and jest (CommonJS) cannot load it; x-oauth-server.ts drives it.
// Beyond the mock's own PKCE check it behaves like X: exact client and redirect URI at
// /authorize, PKCE S256 required, HTTP Basic client auth, single-use codes bound to their
// redirect URI, 2 h access tokens and rotating refresh tokens.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const clientId = required('X_MOCK_CLIENT_ID');
const clientSecret = required('X_MOCK_CLIENT_SECRET');
const redirectUris = required('X_MOCK_REDIRECT_URIS').split(',');
const AUTHORIZE = '/i/oauth2/authorize';
const TOKEN = '/2/oauth2/token';
const REVOKE = '/2/oauth2/revoke';

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer, { authorize: AUTHORIZE, token: TOKEN });

const codes = new Map(); // code -> { redirectUri, scope, pkce, accessToken }
const refreshTokens = new Map(); // refresh token -> scope
const tokenRequests = [];
const revocations = []; // { token, tokenTypeHint, known }
let nextTokenFailure = null;
let nextRevokeFailure = null; // { status }: the next revoke call answers it and revokes nothing

service.on('beforeAuthorizeRedirect', ({ url }, req) => {
  const q = req.query;
  if (q.x_test_decision === 'deny') {
    url.searchParams.delete('code');
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('error_description', 'The user denied the request');
    return;
  }
  codes.set(url.searchParams.get('code'), {
    redirectUri: q.redirect_uri,
    scope: q.scope ?? '',
    pkce: Boolean(q.code_challenge),
    accessToken: typeof q.x_test_access_token === 'string' ? q.x_test_access_token : null,
  });
  // Test-only hints must not leak into the redirect, as X would never send them.
  url.searchParams.delete('x_test_access_token');
});

service.on('beforeResponse', (response, req) => {
  const body = req.body ?? {};
  const basic = parseBasic(req.headers.authorization);
  tokenRequests.push({
    grantType: body.grant_type,
    basicClientId: basic?.id ?? null,
    bodyKeys: Object.keys(body).sort(),
  });
  const refuse = (statusCode, error, description) => {
    response.statusCode = statusCode;
    response.body = { error, error_description: description };
  };
  if (!basic || basic.id !== clientId || basic.secret !== clientSecret) {
    return refuse(401, 'unauthorized_client', 'Missing valid authorization header');
  }
  if ('client_secret' in body)
    return refuse(400, 'invalid_request', 'Use one client authentication method');
  if (body.client_id !== undefined && body.client_id !== clientId) {
    return refuse(400, 'invalid_request', 'client_id does not match');
  }
  let scope;
  if (body.grant_type === 'authorization_code') {
    const issued = codes.get(body.code);
    codes.delete(body.code);
    if (!issued)
      return refuse(400, 'invalid_grant', 'Value passed for the authorization code was invalid');
    if (body.redirect_uri !== issued.redirectUri)
      return refuse(400, 'invalid_grant', 'redirect_uri mismatch');
    if (issued.pkce && !body.code_verifier)
      return refuse(400, 'invalid_grant', 'code_verifier required');
    scope = issued.scope;
    response.body = tokens(scope, issued.accessToken);
  } else if (body.grant_type === 'refresh_token') {
    scope = refreshTokens.get(body.refresh_token);
    refreshTokens.delete(body.refresh_token); // X rotates refresh tokens
    if (scope === undefined)
      return refuse(400, 'invalid_request', 'Value passed for the token was invalid');
    response.body = tokens(scope, null);
  } else {
    return refuse(400, 'unsupported_grant_type', 'Unsupported grant type');
  }
});

function tokens(scope, accessToken) {
  const body = {
    token_type: 'bearer',
    expires_in: 7200,
    access_token: accessToken ?? random(),
    scope,
  };
  if (scope.split(' ').includes('offline.access')) {
    body.refresh_token = random();
    refreshTokens.set(body.refresh_token, scope);
  }
  return body;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/__test/fail-next-token' && req.method === 'POST') {
    return readJson(req).then((failure) => {
      nextTokenFailure = failure;
      send(res, 204);
    });
  }
  if (url.pathname === '/__test/fail-next-revoke' && req.method === 'POST') {
    return readJson(req).then((failure) => {
      nextRevokeFailure = failure;
      send(res, 204);
    });
  }
  if (url.pathname === '/__test/token-requests') return send(res, 200, tokenRequests);
  if (url.pathname === '/__test/revocations') return send(res, 200, revocations);
  if (url.pathname === REVOKE && req.method === 'POST' && nextRevokeFailure) {
    const { status } = nextRevokeFailure;
    nextRevokeFailure = null;
    return req.resume().on('end', () => send(res, status, { title: 'Internal Server Error' }));
  }
  if (url.pathname === REVOKE && req.method === 'POST') return revoke(req, res);
  if (url.pathname === '/__test/issue-tokens' && req.method === 'POST') {
    // As if a consent had just completed: a token pair for `scope`, without the browser dance.
    return readJson(req).then(({ scope }) => send(res, 200, tokens(scope ?? '', null)));
  }
  if (url.pathname === AUTHORIZE && req.method === 'GET') {
    const problem = authorizeProblem(url.searchParams);
    if (problem) return send(res, 400, { error: 'invalid_request', error_description: problem });
  }
  if (url.pathname === TOKEN && req.method === 'POST' && nextTokenFailure) {
    const { status, body } = nextTokenFailure;
    nextTokenFailure = null;
    return req.resume().on('end', () => send(res, status, body ?? {}));
  }
  service.requestHandler(req, res);
});

// X's POST /2/oauth2/revoke: form `token` (+ `token_type_hint`), HTTP Basic client auth;
// answers {revoked: true}. A revoked refresh token no longer refreshes.
function revoke(req, res) {
  return readForm(req).then((form) => {
    const basic = parseBasic(req.headers.authorization);
    if (!basic || basic.id !== clientId || basic.secret !== clientSecret) {
      return send(res, 401, {
        error: 'unauthorized_client',
        error_description: 'Missing valid authorization header',
      });
    }
    const token = form.get('token');
    if (!token) return send(res, 400, { error: 'invalid_request', error_description: 'token' });
    const known = refreshTokens.delete(token);
    revocations.push({ token, tokenTypeHint: form.get('token_type_hint'), known });
    send(res, 200, { revoked: true });
  });
}

function readForm(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(new URLSearchParams(text)));
  });
}

function authorizeProblem(q) {
  if (q.get('client_id') !== clientId) return 'Unknown client_id';
  if (!redirectUris.includes(q.get('redirect_uri')))
    return 'redirect_uri is not registered for this client';
  if (q.get('response_type') !== 'code') return 'response_type must be code';
  if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256')
    return 'PKCE with S256 is required';
  if (!q.get('state')) return 'state is required';
  return null;
}

function parseBasic(header) {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text ? JSON.parse(text) : {}));
  });
}

function send(res, status, body) {
  res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function random() {
  return randomBytes(24).toString('base64url');
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  issuer.url = `http://127.0.0.1:${port}`;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
// The parent owns this process: when it closes our stdin (or dies), stop.
process.stdin.on('end', () => process.exit(0)).resume();
