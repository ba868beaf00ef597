import type { INestApplication, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import type { HttpReply } from './http-exchange';
import type { LedgerRequest } from './ledger-request';
import { AuthGuard } from './auth/auth.guard';
import { edgeHeaders, rejectDeepJson } from './edge-hardening';
import { setupOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';
import { correlationId } from './request-context';
import { SecurityLog } from './security-log';
import { createValidationPipe } from './validation';

/**
 * The global pieces of the HTTP edge, for the app module's `providers`. They need APP_CONFIG
 * (AppConfigModule.forRoot) and IDEMPOTENCY_STORE provided in the app. Idempotency is not
 * global: each POST route says `@IdempotentPost` (idempotency/idempotent-post.ts says why).
 */
export function httpEdgeProviders(): Provider[] {
  return [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: AuthGuard },
    SecurityLog,
  ];
}

/**
 * The largest body taken (beyond it: 413 PAYLOAD_TOO_LARGE). Every body the DTOs accept
 * fits, even written all in `\uXXXX` escapes: the largest is a post's content, 63206 UTF-16
 * units (6 bytes each escaped, 3 as UTF-8). 512 KiB.
 */
export const BODY_LIMIT_BYTES = 512 * 1024;

/**
 * The HTTP adapter every app of ours is created with: Fastify (docs/decisions/0021), with the
 * body limit, which proxies to believe about the client's IP (TRUST_PROXY: false, a hop count,
 * or the proxies' addresses and CIDRs, as Express's `trust proxy` took them), and routes that
 * match with or without a trailing slash (as Express's did).
 */
export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    // Node's own default, which the Express edge had: Fastify's is none, so a client could
    // hold a request open for ever.
    requestTimeout: 300_000,
  });
}

/**
 * What main.ts (and e2e tests) do to the app, created on createHttpAdapter(), before
 * `listen()`/`init()`: correlation ids and the edge headers on every request (also 404s and
 * body errors), the JSON depth check, and /docs unless DOCS_ENABLED turns it off (off by
 * default in production).
 */
export function configureHttpApp(app: INestApplication, options: { openApi?: boolean } = {}): void {
  const config = app.get<AppConfig>(APP_CONFIG, { strict: false });
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    correlationId(request as unknown as LedgerRequest, reply as unknown as HttpReply);
    edgeHeaders(request as unknown as LedgerRequest, reply as unknown as HttpReply);
    done();
  });
  fastify.addHook('preValidation', (request, reply, done) =>
    rejectDeepJson(request as unknown as LedgerRequest, reply as unknown as HttpReply, done),
  );
  if (options.openApi !== false && config.docsEnabled) setupOpenApi(app);
}

/**
 * Every interface, as Node's `listen(port)` (and so Express) bound: `::` (IPv4 too, dual
 * stack) where this machine has IPv6, else `0.0.0.0`. Fastify without a host would bind
 * `localhost` only, unreachable from outside a container.
 */
export function listenHost(): string {
  const hasIpv6 = Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((address) => address.family === 'IPv6'),
  );
  return hasIpv6 ? '::' : '0.0.0.0';
}
