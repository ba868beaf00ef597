import { applyDecorators, Post, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * A POST route that honours `Idempotency-Key`. Not a global interceptor: the key only means
 * something on a POST, and Nest's interceptor pipeline costs every request it wraps about 60 µs
 * of CPU (docs/decisions/0021-http-edge-speed.md), so reads, PUTs and DELETEs skip it.
 * test/e2e/idempotent-posts sends a malformed key to every POST route of the document, so a
 * route declared with a plain `@Post` fails it.
 */
export const IdempotentPost = (path?: string) =>
  applyDecorators(Post(path), UseInterceptors(IdempotencyInterceptor));
