import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/auth/auth.decorators';
import { ConnectionHistoryQuery } from './connection-history.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/connections/:id/history')
export class ConnectionHistoryController {
  constructor(private readonly history: ConnectionHistoryQuery) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({ summary: 'Every event of one connection, disconnected ones included' })
  get(@Param('ws') workspaceId: string, @Param('id') connectionId: string) {
    return this.history.forConnection(workspaceId, connectionId);
  }
}
