import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkspaceCommandResult } from '@ledger/commands';
import {
  CommandContextFrom,
  type RequestCommandContext,
} from '../command-context/command-context.decorator';
import { Roles } from '../http/auth/auth.decorators';
import { IntegrationsQuery } from '../integrations/integrations.query';
import { IntegrationsBody } from '../integrations/integrations.response';
import { ReadYourWrites } from '@ledger/runtime';
import { RecordWorkspaceCommand } from '../command-context/record-workspace-command';
import { ChangePlanDto } from './change-plan.dto';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/plan')
export class ChangePlanController {
  constructor(
    private readonly commands: CommandBus,
    private readonly integrations: IntegrationsQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Put()
  @Roles('owner')
  @ApiOperation({ summary: 'Change the plan (owner only); a downgrade keeps existing connections' })
  @ApiOkResponse({
    type: IntegrationsBody,
    description: 'The Integrations page under the new plan',
  })
  async change(
    @Param('ws') workspaceId: string,
    @Body() body: ChangePlanDto,
    @CommandContextFrom() context: RequestCommandContext,
  ) {
    const result: WorkspaceCommandResult = await this.commands.execute(
      new RecordWorkspaceCommand({ type: 'ChangePlan', workspaceId, plan: body.plan }, context),
    );
    await this.readYourWrites.waitFor(result.position);
    return this.integrations.forWorkspace(workspaceId);
  }
}
