import { Body, Controller, Get, Inject, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext, WorkspaceCommandResult } from '@ledger/commands';
import { nameBasedUuid } from '@ledger/event-store';
import type { CampaignView, WorkspaceReadModel } from '@ledger/read-models';
import { CommandContextFrom } from '../command-context/command-context.decorator';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { WORKSPACE_READ_MODEL } from '@ledger/runtime';
import { RecordWorkspaceCommand } from '../command-context/record-workspace-command';
import { WaitUntilShown } from '../command-context/wait-until-shown';
import { CampaignBody, CreatedCampaignBody } from './campaign.response';
import { CreateCampaignDto } from './create-campaign.dto';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('posts')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/campaigns')
export class CreateCampaignController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
    private readonly waitUntilShown: WaitUntilShown,
  ) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({
    summary: 'Campaigns, flagged where a connection they relied on was disconnected',
  })
  @ApiOkResponse({ type: [CampaignBody] })
  list(@Param('ws') workspaceId: string): Promise<CampaignView[]> {
    return this.readModel.listCampaigns(workspaceId);
  }

  @IdempotentPost()
  @Roles('owner', 'admin', 'editor')
  @ApiOperation({
    summary: 'Create a campaign: platforms and, per platform, an account or none (the main)',
  })
  @ApiCreatedResponse({ type: CreatedCampaignBody })
  @ApiProblems({
    404: '`NOT_FOUND`: a target names no connection of its platform in this workspace',
    409: '`INVALID_STATE_TRANSITION`: two targets name the same platform',
  })
  async create(
    @Param('ws') workspaceId: string,
    @Body() body: CreateCampaignDto,
    @CommandContextFrom() context: CommandContext,
  ) {
    const campaignId = nameBasedUuid(`campaign\u0000${context.commandId}`);
    const targets = body.targets.map((t) => ({
      platform: t.platform,
      connectionId: t.connectionId ?? null,
    }));
    const result: WorkspaceCommandResult = await this.commands.execute(
      new RecordWorkspaceCommand(
        {
          type: 'CreateCampaign',
          workspaceId,
          campaignId,
          name: body.name,
          targets,
        },
        context,
      ),
    );
    // The caller's next GET /campaigns shows it.
    await this.waitUntilShown.after(workspaceId, result);
    return { id: campaignId, workspaceId, name: body.name, targets };
  }
}
