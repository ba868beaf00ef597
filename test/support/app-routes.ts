import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** Express's pattern, e.g. `/v1/workspaces/:ws/connections/:id`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running app serves, read from its HTTP router (not from a list kept by hand). */
export function routesOf(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method as AppRoute['method'], path: layer.route!.path }))
      : [],
  );
}
