import type { HttpRequest } from './http-exchange';
import type { AccessClaims } from './auth/access-claims';

/**
 * What the HTTP edge attaches to a request. A plain extension instead of global
 * declaration merging, so only code that asks for it sees it.
 */
export interface LedgerRequest extends HttpRequest {
  /** Set by the correlation-id hook. */
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

export { requestPath } from './http-exchange';
