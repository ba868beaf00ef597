import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { WorkspaceCommands } from '@ledger/commands';
import { DomainError, PLATFORMS, type Platform } from '@ledger/domain';
import { OAuthFlows } from '@ledger/platforms';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { ApiProblems } from '../http/openapi-responses';
import { AuthorizationUrlBody, BINDING_COOKIE_HEADER } from './oauth.response';
import { PlatformPipe } from './platform.pipe';
import { StartOAuthDto } from './start-oauth.dto';
import { checkReturnTo } from './return-to';
import { checkAccountRegion } from './account-region';
import { APP_CONFIG, type AppConfig, Sandbox } from '@ledger/runtime';
import { ConnectionAttemptLimiter } from '../connection-attempts/connection-attempt-limiter';
import { setBindingCookie } from './browser-binding-cookie';

@ApiTags('connections')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/connections/oauth/:platform')
export class StartOAuthController {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly workspaces: WorkspaceCommands,
    private readonly attempts: ConnectionAttemptLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sandbox: Sandbox,
  ) {}

  @Post()
  @Roles('owner', 'admin')
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiOperation({
    summary:
      'Start OAuth: {} to connect, {reconnectConnectionId} to reconnect; answers the URL to send the user to, and sets the cookie that binds the flow to this browser',
  })
  @ApiCreatedResponse({ type: AuthorizationUrlBody, headers: BINDING_COOKIE_HEADER })
  @ApiProblems({
    400: '`VALIDATION_FAILED`: unknown platform, `returnTo` not allowed, `region` missing',
    404: '`NOT_FOUND`: no such connection to reconnect on this platform; `PLATFORM_NOT_CONFIGURED`',
    422: '`ACCOUNT_TYPE_NOT_SUPPORTED`: the TikTok account’s region is restricted',
    429: '`RATE_LIMIT_EXCEEDED`: too many connection attempts this hour',
  })
  async start(
    @Param('ws') workspaceId: string,
    @Param('platform', PlatformPipe) platform: Platform,
    @Body() body: StartOAuthDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ authorizationUrl: string; sandbox?: true }> {
    if (body.reconnectConnectionId) {
      const { state } = await this.workspaces.load(workspaceId);
      const connection = state.connections[body.reconnectConnectionId];
      if (!connection || connection.platform !== platform) {
        throw new DomainError(
          'NOT_FOUND',
          `No ${platform} connection ${body.reconnectConnectionId} in this workspace.`,
          { connectionId: body.reconnectConnectionId },
        );
      }
    }
    const returnTo = checkReturnTo(this.config, body.returnTo);
    checkAccountRegion(this.config, platform, body.region);
    await this.attempts.check({ userId: actor.userId }, workspaceId);
    const { authorizationUrl, state, browserBinding } = await this.flows.start({
      platform,
      userId: actor.userId,
      workspaceId,
      intent: {
        ...(body.reconnectConnectionId
          ? { kind: 'reconnect' as const, connectionId: body.reconnectConnectionId }
          : { kind: 'connect' as const }),
        ...(returnTo ? { returnTo } : {}),
      },
      actor: {
        role: actor.role ?? 'none',
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      },
    });
    // Only this browser (or the starter's bearer) may complete the flow: docs/decisions/0008.
    setBindingCookie(response, this.config, state, browserBinding);
    // A platform without credentials, outside production: the user consents at the sandbox.
    return { authorizationUrl, ...(this.sandbox.has(platform) ? { sandbox: true as const } : {}) };
  }
}
