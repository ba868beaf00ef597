import type { INestApplication, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuthGuard } from './auth/auth.guard';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { setupOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';
import { correlationId } from './request-context';
import { SecurityLog } from './security-log';
import { createValidationPipe } from './validation';

/**
 * The global pieces of the HTTP edge, for the app module's `providers`. They need APP_CONFIG
 * (AppConfigModule.forRoot) and IDEMPOTENCY_STORE provided in the app.
 */
export function httpEdgeProviders(): Provider[] {
  return [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
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
 * What main.ts (and e2e tests) do to the app before `listen()`/`init()`: correlation ids on
 * every request (also 404s and body-parser errors), the JSON body limit, no framework banner,
 * and /docs.
 */
export function configureHttpApp(app: INestApplication, options: { openApi?: boolean } = {}): void {
  app.use(correlationId);
  // Registered before Nest's own parsers, which then leave JSON to this one.
  (app as NestExpressApplication).useBodyParser('json', { limit: JSON_BODY_LIMIT });
  const instance = app.getHttpAdapter().getInstance() as { disable?: (name: string) => void };
  instance.disable?.('x-powered-by');
  if (options.openApi !== false) setupOpenApi(app);
}
