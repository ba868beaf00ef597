import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Platform } from '@ledger/domain';
import { consentPage, escapeHtml } from './consent-page';
import type { Sandbox } from '@ledger/runtime';
import type { SandboxAnswer, SandboxPlatform } from './sandbox-platform';

export type AuthorizeOutcome =
  { kind: 'page'; status: number; html: string } | { kind: 'redirect'; location: string };

/**
 * The authorize endpoint, as the platform runs it: the client id (TikTok: `client_key`) must
 * be the sandbox app's and `redirect_uri` exactly the one registered; otherwise an error page,
 * never a redirect. Then the consent page, or with `approve=1` (`deny=1`) straight back to the
 * redirect URI with `code` (`error=access_denied`) and `state`.
 */
export function authorize(
  sandbox: Sandbox,
  platform: Platform,
  definition: SandboxPlatform,
  query: URLSearchParams,
): AuthorizeOutcome {
  const traits = definition.traits;
  const refuse = (message: string): AuthorizeOutcome => ({
    kind: 'page',
    status: 400,
    html: `<!doctype html><title>SANDBOX — not ${escapeHtml(definition.label)}</title><h1>SANDBOX — not ${escapeHtml(definition.label)}</h1><p>${escapeHtml(message)}</p>`,
  });
  const clientIdParameter = traits.clientIdParameter ?? 'client_id';
  if (query.get(clientIdParameter) !== sandbox.client(platform)?.id) {
    return refuse(`Unknown ${clientIdParameter}: this is not the sandbox app.`);
  }
  const redirectUri = query.get('redirect_uri');
  if (redirectUri !== sandbox.redirectUri(platform)) {
    return refuse('redirect_uri is not the one registered for the sandbox app.');
  }
  if (query.get('response_type') !== 'code') return refuse('response_type must be code.');
  const codeChallenge = query.get('code_challenge');
  if (codeChallenge !== null && query.get('code_challenge_method') !== 'S256') {
    return refuse('code_challenge_method must be S256.');
  }
  if (traits.pkce && codeChallenge === null) return refuse(`${definition.label} requires PKCE.`);

  const back = new URL(redirectUri);
  const state = query.get('state');
  if (query.get('deny') === '1') {
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_description', 'The user denied the sandbox authorization');
  } else if (query.get('approve') === '1') {
    const scope = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    back.searchParams.set(
      'code',
      sandbox.grants.issueCode({ platform, redirectUri, scope, codeChallenge }),
    );
    if (platform === 'tiktok') back.searchParams.set('scopes', scope.join(','));
  } else {
    const approve = new URLSearchParams(query);
    approve.set('approve', '1');
    const deny = new URLSearchParams(query);
    deny.set('deny', '1');
    return { kind: 'page', status: 200, html: consentPage(definition, `?${approve}`, `?${deny}`) };
  }
  if (state !== null) back.searchParams.set('state', state);
  return { kind: 'redirect', location: back.toString() };
}

/**
 * The token endpoint: client authentication as the platform's traits say (HTTP Basic for X,
 * the form body elsewhere, `client_key` for TikTok), single-use codes bound to the redirect
 * URI, PKCE S256 when a challenge was sent, rotating refresh tokens where the platform has them.
 * Refusals are RFC 6749 `{error, error_description}`.
 */
export function token(
  sandbox: Sandbox,
  platform: Platform,
  definition: SandboxPlatform,
  headers: IncomingHttpHeaders,
  body: Record<string, string>,
): SandboxAnswer {
  const refuse = (status: number, error: string, description: string): SandboxAnswer => ({
    status,
    body: { error, error_description: description },
  });
  const client = sandbox.client(platform);
  const traits = definition.traits;
  const clientIdParameter = traits.clientIdParameter ?? 'client_id';
  let presented: { id?: string; secret?: string };
  if (traits.tokenEndpointAuth === 'client_secret_basic') {
    if (body.client_secret !== undefined) {
      return refuse(400, 'invalid_request', 'Use one client authentication method, not two');
    }
    presented = basicCredentials(headers.authorization);
  } else {
    presented = { id: body[clientIdParameter], secret: body.client_secret };
  }
  if (
    !client ||
    presented.id !== client.id ||
    presented.secret === undefined ||
    !sameSecret(presented.secret, client.secret)
  ) {
    return refuse(401, 'invalid_client', 'Client authentication failed');
  }

  let scope: string[];
  if (body.grant_type === 'authorization_code') {
    const code = sandbox.grants.takeCode(platform, body.code ?? '');
    if (!code)
      return refuse(400, 'invalid_grant', 'The authorization code is invalid, used or expired');
    if (body.redirect_uri !== code.redirectUri) {
      return refuse(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    }
    if (code.codeChallenge !== null && !pkceMatches(body.code_verifier, code.codeChallenge)) {
      return refuse(400, 'invalid_grant', 'The PKCE code_verifier does not match the challenge');
    }
    scope = code.scope;
  } else if (body.grant_type === 'refresh_token' && definition.refreshTokenTtl !== null) {
    const refreshed = sandbox.grants.takeRefreshToken(platform, body.refresh_token ?? '');
    if (!refreshed) return refuse(400, 'invalid_grant', 'The refresh token is invalid or expired');
    scope = refreshed.scope;
  } else {
    return refuse(400, 'unsupported_grant_type', 'Unsupported grant_type');
  }

  const grants = sandbox.grants;
  const refreshTtl = definition.refreshTokenTtl;
  return {
    status: 200,
    body: definition.tokenAnswer({
      accessToken: grants.issueToken(platform, 'access', scope, definition.accessTokenTtl),
      refreshToken:
        refreshTtl === null ? null : grants.issueToken(platform, 'refresh', scope, refreshTtl),
      expiresIn: definition.accessTokenTtl,
      refreshExpiresIn: refreshTtl,
      scope,
    }),
  };
}

/** RFC 6749 §2.3.1: `Basic base64(form-encoded id ":" form-encoded secret)`. */
function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return {};
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  const formDecode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  };
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function pkceMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}
