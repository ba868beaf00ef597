import { SetMetadata } from '@nestjs/common';
import { routeParam, type HttpRequest } from '../http-exchange';
import { ROLES, type Role } from './access-claims';

export const IS_PUBLIC_KEY = 'ledger:isPublic';
export const ROLES_KEY = 'ledger:roles';

/** The route param naming the workspace whose role is checked. */
export const WORKSPACE_PARAM = 'ws';

/** The `:ws` param of a matched route, if it has one. */
export function workspaceParam(request: HttpRequest): string | undefined {
  return routeParam(request, WORKSPACE_PARAM);
}

/** Opts a route (or controller) out of authentication: health, docs, the OAuth callback. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The roles in the path's workspace (`:ws`) allowed to call the route (method overrides
 * class). Every route with `:ws` must declare it: without it AuthGuard refuses (default-deny).
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** Any member of the workspace, whatever the role (reads open to all roles). */
export const AnyRole = (): MethodDecorator & ClassDecorator => Roles(...ROLES);
