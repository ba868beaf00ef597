import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '@ledger/commands';
import type { Platform } from '@ledger/domain';
import { nameBasedUuid } from '@ledger/event-store';
import {
  OAuthAuthorizationError,
  OAuthFlowNotBoundError,
  OAuthFlows,
  type CompletedOAuth,
  type OAuthCaller,
} from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import { OfferSelectionCommand } from '../choose-accounts/offer-selection.handler';
import type { OfferedSelection } from '../choose-accounts/offered-selection';
import { CompleteCopyCommand } from '../copy-connection/complete-copy.handler';
import type { LedgerRequest } from '../http/ledger-request';
import { mapToProblem } from '../http/problem-mapping';
import { ReconnectAccountCommand } from '../reconnect-account/reconnect-account.handler';
import { FinishConnectCommand } from './finish-connect.handler';
import { RefusedFlowTokens } from './refused-flow-tokens';

export type CallbackOutcome = { connections: ConnectionView[] } | { selection: OfferedSelection };

/** What the callback came to: an outcome, or a refusal; `returnTo` where the browser goes. */
export type CallbackResult = (
  | { outcome: CallbackOutcome }
  | { refusal: unknown; /** The contract's error code, for the browser sent back. */ code: string }
) & {
  returnTo?: string;
  /** Who acted where, known from the flow's state once it was taken (for the audit trail). */
  subject?: NonNullable<LedgerRequest['auditSubject']>;
};

/** The platform redirected the browser back: `query` carries the code (or error) and state. */
export class CompleteOAuthCommand {
  constructor(
    readonly platform: Platform,
    readonly query: Record<string, unknown>,
    readonly caller: OAuthCaller,
    readonly correlationId: string | undefined,
  ) {}
}

/**
 * Completes the flow for its caller, then does what the flow was started for, each intent its
 * own command: reconnect, copy, offer a selection, or connect at once. A refusal after the code
 * exchange revokes the tokens no connection will keep (RefusedFlowTokens). Refusals are
 * answered, not thrown, so the callback can send a browser back to `returnTo` with them.
 */
@CommandHandler(CompleteOAuthCommand)
export class CompleteOAuthHandler implements ICommandHandler<CompleteOAuthCommand> {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly commands: CommandBus,
    private readonly refused: RefusedFlowTokens,
  ) {}

  async execute(command: CompleteOAuthCommand): Promise<CallbackResult> {
    const { platform, query, caller } = command;
    let completed: CompletedOAuth;
    try {
      completed = await this.flows.complete({ platform, query, caller });
    } catch (error) {
      const returnTo =
        error instanceof OAuthAuthorizationError
          ? error.binding.intent.returnTo
          : error instanceof OAuthFlowNotBoundError
            ? error.returnTo
            : undefined;
      return { refusal: error, code: mapToProblem(error).code, returnTo };
    }
    const { pending } = completed;
    const subject = {
      workspaceId: pending.workspaceId,
      userId: pending.userId,
      role: pending.actor.role,
      ip: pending.actor.ip,
      userAgent: pending.actor.userAgent,
    };
    const returnTo = pending.intent.returnTo;
    try {
      const outcome = await this.forIntent(completed, contextOf(completed, command.correlationId));
      return { outcome, returnTo, subject };
    } catch (error) {
      // Refused after the code exchange: the tokens will never be stored, so revoke them.
      await this.refused.revoke(platform, completed, error);
      const code = (error as { code?: unknown }).code;
      return {
        refusal: error,
        code: typeof code === 'string' ? code : 'INTERNAL_ERROR',
        returnTo,
        subject,
      };
    }
  }

  private async forIntent(
    completed: CompletedOAuth,
    context: CommandContext,
  ): Promise<CallbackOutcome> {
    const { intent, platform } = completed.pending;
    if (intent.kind === 'reconnect') {
      const connection = await this.commands.execute<ReconnectAccountCommand, ConnectionView>(
        new ReconnectAccountCommand(completed, intent.connectionId, context),
      );
      return { connections: [connection] };
    }
    if (intent.kind === 'copy') {
      const source = {
        workspaceId: intent.sourceWorkspaceId,
        connectionId: intent.sourceConnectionId,
      };
      const connection = await this.commands.execute<CompleteCopyCommand, ConnectionView>(
        new CompleteCopyCommand(completed, source, context),
      );
      return { connections: [connection] };
    }
    if (this.flows.requiresSelection(platform)) {
      return {
        selection: await this.commands.execute<OfferSelectionCommand, OfferedSelection>(
          new OfferSelectionCommand(completed),
        ),
      };
    }
    return {
      connections: await this.commands.execute<FinishConnectCommand, ConnectionView[]>(
        new FinishConnectCommand(completed, context),
      ),
    };
  }
}

/** The commands a flow runs carry its starter as actor, and an id stable for this flow only. */
export function contextOf(
  completed: CompletedOAuth,
  correlationId: string | undefined,
): CommandContext {
  const { pending } = completed;
  // The state is single use, so a command id derived from it is stable for this flow only.
  const commandId = nameBasedUuid(`oauth\u0000${pending.state}`);
  return {
    commandId,
    actor: {
      userId: pending.userId,
      role: pending.actor.role,
      ip: pending.actor.ip,
      userAgent: pending.actor.userAgent,
    },
    correlationId: correlationId ?? commandId,
    causationId: null,
  };
}
