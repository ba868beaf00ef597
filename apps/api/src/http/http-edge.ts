import type { INestApplication, Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { AuthGuard } from './auth/auth.guard';
import { edgeHeaders, rejectDeepJson } from './edge-hardening';
import { bindIdempotencyToPostRoutes } from './idempotency/idempotent-routes';
import { setupOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';
import { correlationId } from './request-context';
import { SecurityLog } from './security-log';
import { createValidationPipe } from './validation';

/**
 * The global pieces of the HTTP edge, for the app module's `providers`. They need APP_CONFIG
 * (AppConfigModule.forRoot) and IDEMPOTENCY_STORE provided in the app. Idempotency is not
 * global: `controllers` (every controller of the app) get IdempotencyInterceptor on their POST
 * routes (bindIdempotencyToPostRoutes says why).
 */
export function httpEdgeProviders(controllers: Iterable<Type>): Provider[] {
  bindIdempotencyToPostRoutes(controllers);
  return [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: AuthGuard },
    SecurityLog,
  ];
}

/**
 * The largest JSON body taken (beyond it: 413 PAYLOAD_TOO_LARGE). Every body the DTOs accept
 * fits, even written all in `\uXXXX` escapes: the largest is a post's content, 63206 UTF-16
 * units (6 bytes each escaped, 3 as UTF-8). Express's default, 100 kB, refused valid posts.
 */
export const JSON_BODY_LIMIT = '512kb';

/**
 * What main.ts (and e2e tests) do to the app before `listen()`/`init()`: correlation ids and
 * the edge headers on every request (also 404s and body-parser errors), the JSON body limit
 * and depth, which proxies to believe about the client's IP (TRUST_PROXY), no framework
 * banner, and /docs unless DOCS_ENABLED turns it off (off by default in production).
 */
export function configureHttpApp(app: INestApplication, options: { openApi?: boolean } = {}): void {
  const config = app.get<AppConfig>(APP_CONFIG, { strict: false });
  app.use(correlationId);
  app.use(edgeHeaders);
  // Registered before Nest's own parsers, which then leave JSON to this one.
  (app as NestExpressApplication).useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.use(rejectDeepJson);
  const instance = app.getHttpAdapter().getInstance() as {
    disable?: (name: string) => void;
    set?: (name: string, value: unknown) => void;
  };
  instance.disable?.('x-powered-by');
  // Express's req.ip (the actor IP in events and the audit trail) honours this.
  instance.set?.('trust proxy', config.trustProxy);
  if (options.openApi !== false && config.docsEnabled) setupOpenApi(app);
}
