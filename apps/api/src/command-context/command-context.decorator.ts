import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { nameBasedUuid } from '@ledger/event-store';
import type { CommandContext } from '@ledger/commands';
import { actorOf } from '../http/auth/current-actor.decorator';
import type { LedgerRequest } from '../http/ledger-request';

export type RequestCommandContext = CommandContext;

/**
 * The command context of an HTTP request: the actor (user, role in the path's workspace, IP,
 * user agent), the correlation id, and a command id that is stable across retries of the same
 * request when it carries an Idempotency-Key, so a retried append is recognised by the store.
 */
export function commandContextOf(request: LedgerRequest): CommandContext {
  const actor = actorOf(request);
  const commandId = request.idempotencyKey
    ? nameBasedUuid(`idempotency\u0000${actor.userId}\u0000${request.idempotencyKey}`)
    : randomUUID();
  return {
    commandId,
    actor: {
      userId: actor.userId,
      role: actor.role ?? 'none',
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    },
    correlationId: request.correlationId ?? commandId,
    causationId: null,
  };
}

/** `@CommandContextFrom() context: CommandContext` in a controller method. */
export const CommandContextFrom = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    commandContextOf(context.switchToHttp().getRequest<LedgerRequest>()),
);
