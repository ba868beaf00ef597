import type { HttpReply } from '../http/http-exchange';

/**
 * Everything the console loads comes from the API itself: scripts and styles are files under
 * /console/assets (no inline code), data goes to /v1 on the same origin, and nothing may frame it.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function setConsoleHeaders(res: HttpReply): void {
  res.header('Content-Security-Policy', CONSOLE_CSP);
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('X-Frame-Options', 'DENY');
  // The OAuth result comes back in the query string: no need to hand it to anyone else.
  res.header('Referrer-Policy', 'no-referrer');
}
