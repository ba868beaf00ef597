import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
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
import { BreachResponseService } from './breach-response.service';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/breach-response')
export class BreachResponseController {
  constructor(
    private readonly breach: BreachResponseService,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Post()
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
    const { report, position } = await this.breach.respond({
      workspaceId,
      reason: body.reason,
      from: body.from,
      to: body.to,
      context,
    });
    await this.readYourWrites.waitFor(position);
    return report;
  }
}
