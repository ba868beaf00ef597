import { Body, Controller, Inject, Param, Res } from '@nestjs/common';
import type { HttpReply } from '../http/http-exchange';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { StartedOAuth } from '@ledger/platforms';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { ApiProblems } from '../http/openapi-responses';
import { AuthorizationUrlBody, BINDING_COOKIE_HEADER } from '../connect-account/oauth.response';
import { CopyConnectionDto } from './copy-connection.dto';
import { StartCopyCommand } from './start-copy.handler';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { setBindingCookie } from '../connect-account/browser-binding-cookie';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

/** Copy to workspace (StartCopyHandler): answers where to send the user, binds the flow. */
@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/copy')
export class CopyConnectionController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @IdempotentPost()
  @Roles('owner', 'admin')
  @ApiOperation({
    summary:
      'Copy to another workspace you manage: answers the URL to send the user to, and sets the cookie that binds the flow to this browser',
  })
  @ApiCreatedResponse({ type: AuthorizationUrlBody, headers: BINDING_COOKIE_HEADER })
  @ApiProblems({
    400: '`VALIDATION_FAILED`: the target is this same workspace, or `returnTo` not allowed',
    403: '`FORBIDDEN`: you are not owner or admin of the target workspace',
    404: '`NOT_FOUND`: no such connection in this workspace; `PLATFORM_NOT_CONFIGURED`',
    429: '`RATE_LIMIT_EXCEEDED`: too many connection attempts this hour',
  })
  async copy(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
    @Body() body: CopyConnectionDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: HttpReply,
  ): Promise<{ authorizationUrl: string }> {
    const started = await this.commands.execute<StartCopyCommand, StartedOAuth>(
      new StartCopyCommand(workspaceId, connectionId, body, actor),
    );
    // Only this browser (or the starter's bearer) may complete the copy: docs/decisions/0008.
    setBindingCookie(response, this.config, started.state, started.browserBinding);
    return { authorizationUrl: started.authorizationUrl };
  }
}
