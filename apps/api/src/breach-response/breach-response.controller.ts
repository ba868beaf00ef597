import { Body, Controller, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CommandContextFrom,
  type RequestCommandContext,
} from '../command-context/command-context.decorator';
import { Roles } from '../http/auth/auth.decorators';
import { ReadYourWrites } from '@ledger/runtime';
import type { BreachReport } from './breach-report';
import { BreachReportBody } from './breach-report.response';
import { BreachResponseDto } from './breach-response.dto';
import { RespondToBreachCommand } from './breach-response.handler';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/breach-response')
export class BreachResponseController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @IdempotentPost()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary:
      'Breach response: disconnect every connection, shred and revoke its tokens, fail pending posts; answers the report',
  })
  @ApiOkResponse({ type: BreachReportBody })
  async respond(
    @Param('ws') workspaceId: string,
    @Body() body: BreachResponseDto,
    @CommandContextFrom() context: RequestCommandContext,
  ): Promise<BreachReport> {
    const { report, position } = await this.commands.execute<
      RespondToBreachCommand,
      { report: BreachReport; position: string | null }
    >(
      new RespondToBreachCommand({
        workspaceId,
        reason: body.reason,
        from: body.from,
        to: body.to,
        context,
      }),
    );
    await this.readYourWrites.waitFor(position);
    return report;
  }
}
