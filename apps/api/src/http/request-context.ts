import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { HttpReply } from './http-exchange';
import type { LedgerRequest } from './ledger-request';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/**
 * Letters, digits and `._:-`, up to 128: enough for UUIDs and trace ids, and safe to put in
 * logs and headers (no newlines, no markup).
 */
const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A hook on every request (Fastify's `onRequest`): adopts a valid incoming `X-Correlation-Id` (an invalid one is replaced,
 * not refused: a tracing header should never fail a request), keeps it on the request and
 * echoes it on the response. Runs first (http-edge.ts). (No AsyncLocalStorage:
 * on Node 20 it hooks every promise, ~8% of a command's CPU, and nothing read it.)
 */
export function correlationId(request: LedgerRequest, reply: HttpReply): void {
  const incoming = request.headers['x-correlation-id'];
  const id =
    typeof incoming === 'string' && VALID_CORRELATION_ID.test(incoming) ? incoming : randomUUID();
  request.correlationId = id;
  reply.header(CORRELATION_ID_HEADER, id);
}

/** `@CorrelationId() correlationId: string` in a controller method. */
export const CorrelationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<LedgerRequest>().correlationId,
);
