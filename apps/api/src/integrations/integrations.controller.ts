import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/auth/auth.decorators';
import { IntegrationsQuery } from './integrations.query';

@ApiTags('workspace')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsQuery) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({ summary: 'Platform cards: plan, limit, connected, main account, health' })
  get(@Param('ws') workspaceId: string) {
    return this.integrations.forWorkspace(workspaceId);
  }
}
