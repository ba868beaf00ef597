import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PLATFORMS, type Platform } from '@ledger/domain';
import { OAuthAuthorizationError, OAuthFlows, type CompletedOAuth } from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Public } from '../http/auth/auth.decorators';
import type { LedgerRequest } from '../http/ledger-request';
import { OAuthCallbackService, type CallbackOutcome } from './oauth-callback.service';
import { PlatformPipe } from './platform.pipe';
import { redirectWithOutcome } from './return-to';
import { refuseIfAnotherUser } from './callback-caller';

/**
 * The platform redirects the user's browser here, without our bearer token: the single-use
 * `state` is what identifies the user, workspace and intent that started the flow. When the
 * flow was started with a `returnTo`, the browser is sent back there with the outcome;
 * otherwise the outcome is the JSON answer.
 */
@ApiTags('connections')
@Controller('v1/oauth/:platform/callback')
export class OAuthCallbackController {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly callbacks: OAuthCallbackService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiParam({ name: 'platform', enum: PLATFORMS })
  @ApiOperation({
    summary:
      'OAuth redirect target; answers the connections it created or restored, or a selection to choose from (Pages, company pages)',
  })
  async callback(
    @Param('platform', PlatformPipe) platform: Platform,
    @Query() query: Record<string, unknown>,
    @Req() request: LedgerRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CallbackOutcome | undefined> {
    let completed: CompletedOAuth;
    try {
      completed = await this.flows.complete({ platform, query });
    } catch (error) {
      const returnTo =
        error instanceof OAuthAuthorizationError ? error.binding.intent.returnTo : undefined;
      if (!returnTo) throw error;
      redirectWithOutcome(response, this.config, returnTo, {
        error: (error as OAuthAuthorizationError).code,
      });
      return undefined;
    }
    refuseIfAnotherUser(request, this.config, completed.pending.userId);
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
