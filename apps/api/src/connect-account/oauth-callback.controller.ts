import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
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
import type { Response } from 'express';
import { PLATFORMS, type Platform } from '@ledger/domain';
import {
  OAuthAuthorizationError,
  OAuthFlowNotBoundError,
  OAuthFlows,
  type CompletedOAuth,
} from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { Public } from '../http/auth/auth.decorators';
import type { LedgerRequest } from '../http/ledger-request';
import { ApiProblems } from '../http/openapi-responses';
import { ConnectedBody, SelectionToChooseBody } from './oauth.response';
import { OAuthCallbackService, type CallbackOutcome } from './oauth-callback.service';
import { PlatformPipe } from './platform.pipe';
import { redirectWithOutcome } from './return-to';
import { callbackCaller } from './callback-caller';
import { clearBindingCookie } from './browser-binding-cookie';
import { RefusedFlowTokens } from './refused-flow-tokens';
import { mapToProblem } from '../http/problem-mapping';

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
    private readonly flows: OAuthFlows,
    private readonly callbacks: OAuthCallbackService,
    private readonly refused: RefusedFlowTokens,
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
    @Res({ passthrough: true }) response: Response,
  ): Promise<CallbackOutcome | undefined> {
    const state = query.state;
    if (typeof state === 'string' && state !== '') clearBindingCookie(response, this.config, state);
    let completed: CompletedOAuth;
    try {
      const caller = callbackCaller(request, this.config, state);
      completed = await this.flows.complete({ platform, query, caller });
    } catch (error) {
      const returnTo =
        error instanceof OAuthAuthorizationError
          ? error.binding.intent.returnTo
          : error instanceof OAuthFlowNotBoundError
            ? error.returnTo
            : undefined;
      if (!returnTo) throw error;
      redirectWithOutcome(response, this.config, returnTo, { error: mapToProblem(error).code });
      return undefined;
    }
    const { pending } = completed;
    request.auditSubject = {
      workspaceId: pending.workspaceId,
      userId: pending.userId,
      role: pending.actor.role,
      ip: pending.actor.ip,
      userAgent: pending.actor.userAgent,
    };
    const returnTo = completed.pending.intent.returnTo;
    let outcome: CallbackOutcome;
    try {
      outcome = await this.callbacks.handle(
        platform,
        completed,
        this.flows.requiresSelection(platform),
        request.correlationId,
      );
    } catch (error) {
      // Refused after the code exchange: the tokens will never be stored, so revoke them.
      await this.refused.revoke(platform, completed, error);
      if (!returnTo) throw error;
      const code = (error as { code?: unknown }).code;
      redirectWithOutcome(response, this.config, returnTo, {
        error: typeof code === 'string' ? code : 'INTERNAL_ERROR',
      });
      return undefined;
    }
    if (!returnTo) return outcome;
    redirectWithOutcome(response, this.config, returnTo, outcome);
    return undefined;
  }
}
