import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AppConfig, APP_CONFIG } from '@ledger/runtime';
import type { LedgerRequest } from '../ledger-request';
import { ProblemException } from '../problem';
import { InvalidTokenError, verifyAccessToken, type Role } from './access-claims';
import { IS_PUBLIC_KEY, ROLES_KEY, WORKSPACE_PARAM, workspaceParam } from './auth.decorators';

/**
 * Default-deny authentication and workspace authorisation for every route.
 * Register globally: `{ provide: APP_GUARD, useClass: AuthGuard }` (needs APP_CONFIG).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return false;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<LedgerRequest>();
    request.auth = this.authenticate(request);

    const workspaceId = workspaceParam(request);
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (workspaceId === undefined) {
      // @Roles only means something against a workspace; a route without one is a bug to refuse.
      if (!allowed) return true;
      this.logger.error(`@Roles on a route without :${WORKSPACE_PARAM}; refusing`);
      throw forbidden('This route is misconfigured');
    }
    const role = request.auth.workspaces[workspaceId];
    if (!role) throw forbidden('You have no role in this workspace');
    if (!allowed) {
      this.logger.error(
        `Route with :${WORKSPACE_PARAM} declares no @Roles; refusing (default-deny)`,
      );
      throw forbidden(`Your role (${role}) does not allow this`);
    }
    if (!allowed.includes(role)) throw forbidden(`Your role (${role}) does not allow this`);
    return true;
  }

  private authenticate(request: LedgerRequest) {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match) throw unauthenticated('A bearer token is required', false);
    try {
      return verifyAccessToken(match[1], this.config);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(error.message, true);
      throw error;
    }
  }
}

function unauthenticated(detail: string, tokenSent: boolean): ProblemException {
  // RFC 6750 §3: name the scheme; an error code only when a token was sent (never echo it).
  const challenge = tokenSent
    ? 'Bearer realm="connection-ledger", error="invalid_token"'
    : 'Bearer realm="connection-ledger"';
  return new ProblemException({
    status: 401,
    code: 'UNAUTHENTICATED',
    title: 'Unauthenticated',
    detail,
    headers: { 'WWW-Authenticate': challenge },
  });
}

function forbidden(detail: string): ProblemException {
  return new ProblemException({ status: 403, code: 'FORBIDDEN', title: 'Forbidden', detail });
}
