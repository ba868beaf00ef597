import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { ConnectionHistoryQuery } from './connection-history.query';
import { HistoryEntryBody } from './history.response';

@ApiTags('audit')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/history')
export class ConnectionHistoryController {
  constructor(private readonly history: ConnectionHistoryQuery) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({ summary: 'Every event of one connection, disconnected ones included' })
  @ApiOkResponse({ type: [HistoryEntryBody] })
  @ApiProblems({ 404: '`NOT_FOUND`: no connection with this id ever was in this workspace' })
  get(@Param('ws') workspaceId: string, @ConnectionIdParam() connectionId: string) {
    return this.history.forConnection(workspaceId, connectionId);
  }
}
