import type { Response } from 'express';

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

export function setConsoleHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // The OAuth result comes back in the query string: no need to hand it to anyone else.
  res.setHeader('Referrer-Policy', 'no-referrer');
}
