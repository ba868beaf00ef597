import type { HttpReply, HttpRequest } from './http-exchange';
import { requestPath } from './http-exchange';
import { validationFailed } from './problem';

/**
 * Deeper than any body the DTOs accept (they nest three levels at most), far shallower than
 * what overflows the stack of class-transformer and class-validator (both recurse).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * A hook after the body is parsed (Fastify's `preValidation`): a body nested deeper than
 * MAX_JSON_DEPTH is 400 VALIDATION_FAILED before anything recursive walks it (else:
 * RangeError, a 500).
 */
export function rejectDeepJson(
  request: HttpRequest,
  _reply: HttpReply,
  next: (error?: Error) => void,
): void {
  if (request.body !== undefined && jsonDepthExceeds(request.body, MAX_JSON_DEPTH)) {
    next(
      validationFailed('The request body is nested too deeply', [
        { field: '(body)', messages: [`nesting deeper than ${MAX_JSON_DEPTH} levels`] },
      ]),
    );
    return;
  }
  next();
}

/** Iterative (an explicit stack), so measuring a hostile body cannot overflow the call stack. */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * A hook on every request (Fastify's `onRequest`, so also 404s and body errors): `nosniff` (a JSON answer is never run as a script or
 * page), and `Cache-Control: no-store` on everything but the OpenAPI UI and document: the
 * API's answers carry tenant data, authorization URLs and selections, which no browser or
 * shared cache may keep. (Conditional requests still work: ETag and If-Match do not depend
 * on caching.)
 */
export function edgeHeaders(request: HttpRequest, reply: HttpReply): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  if (!/^\/docs(?:[/-]|$)/.test(requestPath(request))) reply.header('Cache-Control', 'no-store');
}
