import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../http/auth/auth.decorators';
import { ConnectionQueries } from '@ledger/runtime';
import { ConnectionBody } from './connection.response';
import { ListConnectionsQuery } from './list-connections.dto';

@ApiTags('connections')
@ApiBearerAuth()
@Controller('v1/workspaces/:ws/connections')
export class ListConnectionsController {
  constructor(private readonly queries: ConnectionQueries) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({
    summary: 'Connections; filters platform, status, expiringWithin (7d), asOf (ISO instant)',
  })
  @ApiOkResponse({ type: [ConnectionBody] })
  list(@Param('ws') workspaceId: string, @Query() query: ListConnectionsQuery) {
    return this.queries.list(workspaceId, query);
  }
}
