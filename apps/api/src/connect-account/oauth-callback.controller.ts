import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { HttpReply } from '../http/http-exchange';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { Public } from '../http/auth/auth.decorators';
import type { LedgerRequest } from '../http/ledger-request';
import { ApiProblems } from '../http/openapi-responses';
import { ConnectedBody, SelectionToChooseBody } from './oauth.response';
import {
  CompleteOAuthCommand,
  type CallbackOutcome,
  type CallbackResult,
} from './complete-oauth.handler';
import { PlatformPipe } from './platform.pipe';
import { redirectWithOutcome } from './return-to';
import { callbackCaller } from './callback-caller';
import { clearBindingCookie } from './browser-binding-cookie';

/**
 * The platform redirects the user's browser here, without our bearer token: the single-use
 * `state` is what identifies the user, workspace and intent that started the flow, and the
 * flow's binding cookie (or the starter's bearer, when a front end relays the callback) proves
 * this is the browser that started it (docs/decisions/0008). When the flow was started with a
 * `returnTo`, the browser is sent back there with the outcome; otherwise the outcome is the
 * JSON answer.
 */
@ApiTags('connections')
@Controller('v1/oauth/:platform/callback')
export class OAuthCallbackController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiOperation({
    summary:
      'OAuth redirect target; answers the connections it created or restored, or a selection to choose from (Pages, company pages)',
  })
  @ApiQuery({ name: 'code', required: false, description: 'From the platform, on consent' })
  @ApiQuery({ name: 'state', required: false, description: 'From the platform: the flow' })
  @ApiQuery({ name: 'error', required: false, description: 'From the platform, on refusal' })
  @ApiExtraModels(ConnectedBody, SelectionToChooseBody)
  @ApiOkResponse({
    description: 'The connections created or restored, or a selection to choose from',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(ConnectedBody) },
        { $ref: getSchemaPath(SelectionToChooseBody) },
      ],
    },
  })
  @ApiResponse({
    status: 303,
    description:
      'The flow was started with `returnTo`: back there with `result=connected|selection|error`',
    headers: { Location: { required: true, schema: { type: 'string', format: 'uri' } } },
  })
  @ApiProblems({
    400: '`OAUTH_STATE_INVALID`, `OAUTH_CALLBACK_INVALID`, `OAUTH_TOKEN_REJECTED`: start connecting again; or an unknown platform',
    402: '`PLAN_LIMIT_REACHED`: the plan allows no more accounts on this platform',
    403: '`OAUTH_ACCESS_DENIED`, `INSUFFICIENT_PERMISSIONS`, or `FORBIDDEN`: the flow was started in another browser (no binding cookie) or by another user',
    404: '`ACCOUNT_NOT_FOUND`: the platform says the account is gone',
    409: '`ALREADY_CONNECTED_ELSEWHERE` (another workspace has it; copy it instead) or another conflict (`ALREADY_CONNECTED`, `LINKED_ACCOUNT_REQUIRED`, `RECONNECT_ACCOUNT_MISMATCH`, `COPY_ACCOUNT_MISMATCH`)',
    422: '`ACCOUNT_TYPE_NOT_SUPPORTED`: e.g. a personal TikTok account, a restricted region',
    502: '`OAUTH_AUTHORIZATION_FAILED`: the platform refused the authorization',
    503: '`PLATFORM_UNAVAILABLE` or `PLATFORM_RATE_LIMITED`: wait and retry',
  })
  async callback(
    @Param('platform', PlatformPipe) platform: Platform,
    @Query() query: Record<string, unknown>,
    @Req() request: LedgerRequest,
    @Res({ passthrough: true }) response: HttpReply,
  ): Promise<CallbackOutcome | undefined> {
    const state = query.state;
    if (typeof state === 'string' && state !== '') clearBindingCookie(response, this.config, state);
    const caller = callbackCaller(request, this.config, state);
    const result = await this.commands.execute<CompleteOAuthCommand, CallbackResult>(
      new CompleteOAuthCommand(platform, query, caller, request.correlationId),
    );
    if (result.subject) request.auditSubject = result.subject;
    if ('refusal' in result && !result.returnTo) throw result.refusal;
    if (!result.returnTo) return 'outcome' in result ? result.outcome : undefined;
    redirectWithOutcome(
      response,
      this.config,
      result.returnTo,
      'outcome' in result ? result.outcome : { error: result.code },
    );
    return undefined;
  }
}
