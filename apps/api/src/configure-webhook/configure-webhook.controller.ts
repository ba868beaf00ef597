import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '@ledger/domain';
import { WebhookSubscriptionError, WebhookSubscriptions } from '@ledger/webhooks';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { validationFailed } from '../http/problem';
import { ConfigureWebhookDto } from './configure-webhook.dto';
import { WebhookBody, WebhookWithSecretBody } from './webhook.response';

/**
 * Where a workspace hears about connection.expired, .error, .restored and .disconnected:
 * signed POSTs (Webhook-Signature: t=…,v1=HMAC-SHA256 over "t.body"), retried with backoff.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/webhook')
export class ConfigureWebhookController {
  constructor(private readonly subscriptions: WebhookSubscriptions) {}

  @Put()
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Set (or replace) the webhook; answers the signing secret, shown this once',
  })
  @ApiOkResponse({ type: WebhookWithSecretBody })
  async set(@Param('ws') workspaceId: string, @Body() body: ConfigureWebhookDto) {
    try {
      const created = await this.subscriptions.set(workspaceId, {
        url: body.url,
        events: body.events,
      });
      return { ...created.subscription, secret: created.secret };
    } catch (error) {
      if (!(error instanceof WebhookSubscriptionError)) throw error;
      const field = error.code === 'INVALID_URL' ? 'url' : 'events';
      throw validationFailed('The webhook is not valid', [{ field, messages: [error.message] }]);
    }
  }

  @Get()
  @Roles('owner', 'admin', 'auditor')
  @ApiOperation({ summary: 'The webhook, without its secret' })
  @ApiOkResponse({ type: WebhookBody })
  @ApiProblems({ 404: '`NOT_FOUND`: this workspace has no webhook' })
  async get(@Param('ws') workspaceId: string) {
    const subscription = await this.subscriptions.get(workspaceId);
    if (!subscription) throw new DomainError('NOT_FOUND', 'This workspace has no webhook.');
    return subscription;
  }

  @Delete()
  @HttpCode(204)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Remove the webhook' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems({ 404: '`NOT_FOUND`: this workspace has no webhook' })
  async remove(@Param('ws') workspaceId: string): Promise<void> {
    if (!(await this.subscriptions.remove(workspaceId))) {
      throw new DomainError('NOT_FOUND', 'This workspace has no webhook.');
    }
  }
}
