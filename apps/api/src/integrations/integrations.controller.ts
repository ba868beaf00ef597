import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/auth/auth.decorators';
import { IntegrationsQuery } from './integrations.query';
import { IntegrationsBody } from './integrations.response';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsQuery) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({ summary: 'Platform cards: plan, limit, connected, main account, health' })
  @ApiOkResponse({ type: IntegrationsBody })
  get(@Param('ws') workspaceId: string) {
    return this.integrations.forWorkspace(workspaceId);
  }
}
