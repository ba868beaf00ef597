import { Controller, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RefreshResult } from '@ledger/jobs';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { ProblemException } from '../http/problem';
import { RefreshBody } from './refresh.response';
import { RefreshConnectionCommand } from './refresh-connection.handler';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

/** What each outcome of an asked-for refresh means to the caller. */
const REFUSALS: Partial<Record<RefreshResult, { status: number; code: string; detail: string }>> = {
  busy: {
    status: 409,
    code: 'REFRESH_IN_PROGRESS',
    detail: 'A refresh of this connection is running: try again in a minute.',
  },
  transient: {
    status: 503,
    code: 'PLATFORM_UNAVAILABLE',
    detail: 'The platform did not answer: wait and retry.',
  },
  expired: {
    status: 409,
    code: 'CONNECTION_EXPIRED',
    detail: 'The platform refused the token for good: reconnect the account.',
  },
  error: {
    status: 409,
    code: 'CONNECTION_ERROR',
    detail: 'The platform refused the refresh: see the connection’s status reason, then reconnect.',
  },
  'no-refresh': {
    status: 409,
    code: 'REFRESH_NOT_AVAILABLE',
    detail: 'This platform gives no way to refresh this token: reconnect before it expires.',
  },
  unsupported: {
    status: 409,
    code: 'REFRESH_NOT_AVAILABLE',
    detail: 'This platform is not configured for refreshing.',
  },
};

@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/refresh')
export class RefreshConnectionController {
  constructor(private readonly commands: CommandBus) {}

  @IdempotentPost()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Refresh the connection’s token now (recorded like a scheduled refresh)',
  })
  @ApiOkResponse({ type: RefreshBody })
  @ApiProblems({
    404: '`NOT_FOUND`: no such connection in this workspace',
    409: '`REFRESH_IN_PROGRESS`, `CONNECTION_EXPIRED`, `CONNECTION_ERROR` or `REFRESH_NOT_AVAILABLE`: not refreshed',
    503: '`PLATFORM_UNAVAILABLE`: the platform did not answer; wait and retry',
  })
  async refresh(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
  ): Promise<{ result: RefreshResult }> {
    const result = await this.commands.execute<RefreshConnectionCommand, RefreshResult>(
      new RefreshConnectionCommand(workspaceId, connectionId),
    );
    const refusal = REFUSALS[result];
    if (refusal) throw new ProblemException({ ...refusal, title: 'Refresh not done' });
    return { result };
  }
}
