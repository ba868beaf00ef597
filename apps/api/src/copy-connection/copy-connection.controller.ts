import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkspaceCommands } from '@ledger/commands';
import { DomainError } from '@ledger/domain';
import { OAuthFlows } from '@ledger/platforms';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { ApiProblems } from '../http/openapi-responses';
import { ProblemException, validationFailed } from '../http/problem';
import { AuthorizationUrlBody, BINDING_COOKIE_HEADER } from '../connect-account/oauth.response';
import { ConnectionAttemptLimiter } from '../connection-attempts/connection-attempt-limiter';
import { CopyConnectionDto } from './copy-connection.dto';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { setBindingCookie } from '../connect-account/browser-binding-cookie';
import { checkReturnTo } from '../connect-account/return-to';

const MANAGERS = ['owner', 'admin'];

/**
 * Copy to workspace: the user signs in to the platform again, so the copy has its own token and
 * the two connections are independent from then on. Completing the OAuth creates the copy.
 */
@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/copy')
export class CopyConnectionController {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly workspaces: WorkspaceCommands,
    private readonly attempts: ConnectionAttemptLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
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
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ authorizationUrl: string }> {
    const target = body.targetWorkspaceId;
    if (target === workspaceId) {
      throw validationFailed('A connection cannot be copied into its own workspace', [
        { field: 'targetWorkspaceId', messages: ['must be another workspace'] },
      ]);
    }
    const returnTo = checkReturnTo(this.config, body.returnTo);
    if (!MANAGERS.includes(actor.workspaces[target] ?? '')) {
      throw new ProblemException({
        status: 403,
        code: 'FORBIDDEN',
        title: 'Forbidden',
        detail: 'Copying needs the owner or admin role in both workspaces.',
      });
    }
    const { state } = await this.workspaces.load(workspaceId);
    const source = state.connections[connectionId];
    if (!source) {
      throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
        connectionId,
      });
    }
    await this.attempts.check({ userId: actor.userId }, target);
    const started = await this.flows.start({
      platform: source.platform,
      userId: actor.userId,
      workspaceId: target,
      intent: {
        kind: 'copy',
        sourceWorkspaceId: workspaceId,
        sourceConnectionId: connectionId,
        ...(returnTo ? { returnTo } : {}),
      },
      actor: {
        role: actor.workspaces[target],
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      },
    });
    // Only this browser (or the starter's bearer) may complete the copy: docs/decisions/0008.
    setBindingCookie(response, this.config, started.state, started.browserBinding);
    return { authorizationUrl: started.authorizationUrl };
  }
}
