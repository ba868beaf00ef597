import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CommandContextFrom,
  type RequestCommandContext,
} from '../command-context/command-context.decorator';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { IfMatchVersion } from '../http/etag';
import { ApiProblems } from '../http/openapi-responses';
import { ReadYourWrites } from '@ledger/runtime';
import { DisconnectAccountCommand, type DisconnectReport } from './disconnect-account.command';
import { DisconnectReportBody } from './disconnect-report.response';

@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id')
export class DisconnectAccountController {
  constructor(
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Delete()
  @Roles('owner', 'admin')
  @ApiOperation({
    summary:
      'Disconnect: leaves the list at once, tokens destroyed, history kept; answers a report',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag you read; 412 if it changed since',
  })
  @ApiOkResponse({ type: DisconnectReportBody })
  @ApiProblems({
    404: '`NOT_FOUND`: no such connection in this workspace',
    412: '`PRECONDITION_FAILED`: If-Match names another version than the current one',
  })
  async disconnect(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
    @IfMatchVersion() expectedVersion: number | undefined,
    @CommandContextFrom() context: RequestCommandContext,
  ): Promise<DisconnectReport> {
    const { report, position } = await this.commands.execute<
      DisconnectAccountCommand,
      { report: DisconnectReport; position: string | null }
    >(
      new DisconnectAccountCommand(
        workspaceId,
        connectionId,
        expectedVersion ?? null,
        'disconnected by user',
        context,
      ),
    );
    await this.readYourWrites.waitFor(position);
    return report;
  }
}
