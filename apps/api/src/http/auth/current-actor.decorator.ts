import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { LedgerRequest } from '../ledger-request';
import type { Role } from './access-claims';
import { workspaceParam } from './auth.decorators';

/** Who is acting, for event metadata and cross-workspace checks. */
export interface Actor {
  userId: string;
  /** Role in the path's workspace (`:ws`); undefined on routes without one. */
  role?: Role;
  workspaceId?: string;
  ip?: string;
  userAgent?: string;
  /** All of the caller's workspaces and roles (e.g. to check the target of a copy). */
  workspaces: Record<string, Role>;
}

export function actorOf(request: LedgerRequest): Actor {
  if (!request.auth) {
    throw new Error('No authenticated caller: @CurrentActor() used on a @Public() route');
  }
  const workspaceId = workspaceParam(request);
  const userAgent = request.headers['user-agent'];
  return {
    userId: request.auth.userId,
    role: workspaceId ? request.auth.workspaces[workspaceId] : undefined,
    workspaceId,
    // The edge's request.ip honours TRUST_PROXY: set it behind a load balancer.
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined,
    workspaces: { ...request.auth.workspaces },
  };
}

/** `@CurrentActor() actor: Actor` in a controller method (authenticated routes only). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  actorOf(context.switchToHttp().getRequest<LedgerRequest>()),
);
