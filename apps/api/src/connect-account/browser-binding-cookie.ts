import { createHash } from 'node:crypto';
import type { HttpReply, HttpRequest } from '../http/http-exchange';
import { PENDING_AUTHORIZATION_TTL_MS } from '@ledger/platforms';
import type { AppConfig } from '@ledger/runtime';

/**
 * The cookie that ties an OAuth flow to the browser that started it (docs/decisions/0008).
 * One cookie per flow, named after its state, so flows started in two tabs do not evict each
 * other. Over https it is `__Host-` (Secure, Path=/, no Domain: only this exact host can set or
 * read it); a plain-http local run gets the same cookie without the prefix and Secure, which
 * browsers refuse over http. HttpOnly; SameSite=Lax, so the platform's top-level redirect
 * back to the callback carries it while cross-site subrequests do not.
 */
export function bindingCookieName(config: AppConfig, state: string): string {
  const flow = createHash('sha256').update(state).digest('base64url').slice(0, 16);
  return `${isHttps(config) ? '__Host-' : ''}ledger-oauth-${flow}`;
}

export function setBindingCookie(
  response: HttpReply,
  config: AppConfig,
  state: string,
  nonce: string,
): void {
  const maxAgeSeconds = Math.floor(PENDING_AUTHORIZATION_TTL_MS / 1000);
  const expires = new Date(Date.now() + PENDING_AUTHORIZATION_TTL_MS).toUTCString();
  response.header(
    'Set-Cookie',
    `${bindingCookieName(config, state)}=${encodeURIComponent(nonce)}; Max-Age=${maxAgeSeconds}; ` +
      `Path=/; Expires=${expires}; ${attributes(config)}`,
  );
}

/** The flow is over either way: the cookie has no further use. */
export function clearBindingCookie(response: HttpReply, config: AppConfig, state: string): void {
  response.header(
    'Set-Cookie',
    `${bindingCookieName(config, state)}=; Path=/; Expires=${new Date(0).toUTCString()}; ` +
      attributes(config),
  );
}

/** The value of the flow's binding cookie in the request, if the browser sent it. */
export function readBindingCookie(
  request: HttpRequest,
  config: AppConfig,
  state: string,
): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  const name = bindingCookieName(config, state);
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim() || null;
    }
  }
  return null;
}

/** The attributes after Path and Expires, in the order Express wrote them. */
function attributes(config: AppConfig): string {
  return `HttpOnly; SameSite=Lax${isHttps(config) ? '; Secure' : ''}`;
}

function isHttps(config: AppConfig): boolean {
  return config.publicBaseUrl.startsWith('https:');
}
