import { Body, Controller, Inject, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { HttpReply } from '../http/http-exchange';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { ApiProblems } from '../http/openapi-responses';
import { AuthorizationUrlBody, BINDING_COOKIE_HEADER } from './oauth.response';
import { PlatformPipe } from './platform.pipe';
import { StartOAuthDto } from './start-oauth.dto';
import { StartOAuthCommand, type StartedConnect } from './start-oauth.handler';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { setBindingCookie } from './browser-binding-cookie';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('connections')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/connections/oauth/:platform')
export class StartOAuthController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @IdempotentPost()
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
    @Res({ passthrough: true }) response: HttpReply,
  ): Promise<{ authorizationUrl: string; sandbox?: true }> {
    const { authorizationUrl, state, browserBinding, sandbox } = await this.commands.execute<
      StartOAuthCommand,
      StartedConnect
    >(new StartOAuthCommand(workspaceId, platform, body, actor));
    // Only this browser (or the starter's bearer) may complete the flow: docs/decisions/0008.
    setBindingCookie(response, this.config, state, browserBinding);
    return { authorizationUrl, ...(sandbox ? { sandbox } : {}) };
  }
}
