import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { nameBasedUuid } from '@ledger/event-store';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { OAuthFlows, type CompletedOAuth } from '@ledger/platforms';
import type { ConnectionView } from '@ledger/read-models';
import type { ConnectionTokens } from '@ledger/token-vault';
import type { CommandContext } from '@ledger/commands';
import { Public } from '../http/auth/auth.decorators';
import type { LedgerRequest } from '../http/ledger-request';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { ConnectAccountCommand, type ConnectAccountResult } from './connect-account.command';
import { PlatformPipe } from './platform.pipe';

/**
 * The platform redirects the user's browser here, without our bearer token: the single-use
 * `state` is what identifies the user, workspace and intent that started the flow.
 */
@ApiTags('connections')
@Controller('v1/oauth/:platform/callback')
export class OAuthCallbackController {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly commands: CommandBus,
    private readonly responder: ConnectionResponder,
  ) {}

  @Get()
  @Public()
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiOperation({
    summary: 'OAuth redirect target; answers the connections it created or restored',
  })
  async callback(
    @Param('platform', PlatformPipe) platform: Platform,
    @Query() query: Record<string, unknown>,
    @Req() request: LedgerRequest,
  ): Promise<{ connections: ConnectionView[] }> {
    const completed = await this.flows.complete({ platform, query });
    const { pending } = completed;
    const context = contextOf(completed, request);
    const tokens = tokensOf(completed);
    const intent = pending.intent;
    if (intent.kind === 'copy') throw new Error('copy flows cannot be started yet'); // no route starts one

    const connections: ConnectionView[] = [];
    for (const account of completed.identities) {
      const result: ConnectAccountResult = await this.commands.execute(
        new ConnectAccountCommand(pending.workspaceId, platform, account, tokens, context, {
          reconnectConnectionId: intent.kind === 'reconnect' ? intent.connectionId : undefined,
        }),
      );
      connections.push(
        await this.responder.find(pending.workspaceId, result.connectionId, result.position),
      );
    }
    return { connections };
  }
}

function contextOf(completed: CompletedOAuth, request: LedgerRequest): CommandContext {
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
    correlationId: request.correlationId ?? commandId,
    causationId: null,
  };
}

function tokensOf({ tokens }: CompletedOAuth): ConnectionTokens {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    tokenType: tokens.tokenType ?? undefined,
    scopes: tokens.scope,
    expiresAt: tokens.expiresAt ? tokens.expiresAt.toISOString() : null,
    refreshExpiresAt: null,
  };
}
