import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Clock } from '@ledger/commands';
import { PLATFORMS, type Platform } from '@ledger/domain';
import type { AuditStore } from '@ledger/read-models/audit';
import { workspaceParam } from '../http/auth/auth.decorators';
import { requestPath, type LedgerRequest } from '../http/ledger-request';
import { AUDIT_STORE, CLOCK } from '@ledger/runtime';

/** The refusals the audit trail keeps (ARCHITECTURE.md: plan limit, rate limit, elsewhere, forbidden). */
export const AUDITED_REFUSALS: ReadonlySet<string> = new Set([
  'PLAN_LIMIT_REACHED',
  'RATE_LIMIT_EXCEEDED',
  'ALREADY_CONNECTED_ELSEWHERE',
  'FORBIDDEN',
  'INSUFFICIENT_PERMISSIONS',
]);

export interface RefusedProblem {
  status: number;
  code: string;
}

/**
 * Writes refused attempts into the audit trail. The problem-details filter calls it for every
 * problem it answers; it keeps the audited refusals of callers with a role in the workspace
 * (trailSubjectOf), with the actor from the request. Only the method, path (no query string), status and
 * code are kept: never a body, a header value or a token. A failure is logged, never thrown
 * (the refusal itself must still reach the caller).
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordRefusal(request: LedgerRequest, problem: RefusedProblem): Promise<void> {
    if (!AUDITED_REFUSALS.has(problem.code)) return;
    const subject = trailSubjectOf(request);
    if (!subject) return;
    const { workspaceId } = subject;
    const platform = platformOf(request);
    const connectionId = request.params?.id;
    try {
      await this.store.record({
        id: randomUUID(),
        workspaceId,
        kind: 'refused',
        type: problem.code,
        at: this.clock.now().toISOString(),
        actor: {
          userId: subject.userId,
          role: subject.role,
          ip: subject.ip,
          userAgent: subject.userAgent,
          reason: null,
        },
        correlationId: request.correlationId ?? null,
        connectionId: typeof connectionId === 'string' ? connectionId : null,
        connectionIds: typeof connectionId === 'string' ? [connectionId] : [],
        platform,
        details: { method: request.method, path: requestPath(request), status: problem.status },
      });
    } catch (error) {
      this.logger.error(
        `Could not record a refused attempt (${problem.code}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/**
 * Whose trail a refusal belongs in: the caller on a workspace route where they hold a role, or
 * the subject the OAuth callback named from its state. Null for callers without a role there
 * (or without a valid token): their refusals go to the service-wide security log instead, so an
 * outsider cannot write entries, with ids and a user agent of their choosing, into a tenant's
 * trail.
 */
export function trailSubjectOf(
  request: LedgerRequest,
): NonNullable<LedgerRequest['auditSubject']> | null {
  if (request.auditSubject) return request.auditSubject;
  const workspaceId = workspaceParam(request);
  if (!workspaceId || !request.auth) return null;
  const role = request.auth.workspaces[workspaceId];
  if (!role) return null;
  const userAgent = request.headers['user-agent'];
  return {
    workspaceId,
    userId: request.auth.userId,
    role,
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}

function platformOf(request: LedgerRequest): Platform | null {
  const fromPath: unknown = request.params?.platform;
  const body: unknown = request.body;
  const fromBody =
    typeof body === 'object' && body !== null ? (body as { platform?: unknown }).platform : null;
  for (const candidate of [fromPath, fromBody]) {
    if (typeof candidate === 'string' && (PLATFORMS as readonly string[]).includes(candidate)) {
      return candidate as Platform;
    }
  }
  return null;
}
