import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface AppRoute {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** The router's pattern, e.g. `/v1/workspaces/:ws/connections/:id`. */
  path: string;
}

const METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'delete', 'patch']);
const recorded = new WeakMap<INestApplication, AppRoute[]>();

/**
 * Records every route the app's HTTP router is given from now on: call before `init()` or
 * `listen()`. Routes of one method only (an `@All` route is skipped; HEAD routes are
 * Fastify's copies of GET routes).
 */
export function recordRoutes(app: INestApplication): void {
  const routes: AppRoute[] = [];
  recorded.set(app, routes);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (Array.isArray(route.method)) return;
    const method = route.method.toLowerCase();
    if (METHODS.has(method)) routes.push({ method: method as AppRoute['method'], path: route.url });
  });
}

/** Every route the running app serves, read from its HTTP router (not from a list kept by hand). */
export function routesOf(app: INestApplication): AppRoute[] {
  const routes = recorded.get(app);
  if (!routes) throw new Error('routesOf: the app was not started with recordRoutes()');
  return routes;
}
