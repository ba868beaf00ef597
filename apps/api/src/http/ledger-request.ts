import type { Request } from 'express';
import type { AccessClaims } from './auth/access-claims';

/**
 * What the HTTP edge attaches to an Express request. A plain extension instead of global
 * declaration merging, so only code that asks for it sees it.
 */
export interface LedgerRequest extends Request {
  /** Set by the correlation-id middleware. */
  correlationId?: string;
  /** Set by AuthGuard on non-public routes. */
  auth?: AccessClaims;
  /** Set by IdempotencyInterceptor when a POST carried a valid Idempotency-Key. */
  idempotencyKey?: string;
  /**
   * Who is acting where, on routes without a bearer token or `:ws` (the OAuth callback knows
   * them from its state): lets a refusal there reach the audit trail.
   */
  auditSubject?: {
    workspaceId: string;
    userId: string;
    role: string;
    ip: string | null;
    userAgent: string | null;
  };
}

/** Path without the query string: query strings can carry OAuth codes and state. */
export function requestPath(request: Request): string {
  const url = request.originalUrl ?? request.url ?? '';
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
