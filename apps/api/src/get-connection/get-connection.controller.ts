import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpReply } from '../http/http-exchange';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { CONNECTION_ETAG, ConnectionBody } from '../list-connections/connection.response';
import { ConnectionResponder } from './connection-responder';

@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id')
export class GetConnectionController {
  constructor(private readonly responder: ConnectionResponder) {}

  @Get()
  @Roles('owner', 'admin', 'editor', 'auditor')
  @ApiOperation({ summary: 'One connection; the ETag carries its version' })
  @ApiOkResponse({ type: ConnectionBody, headers: CONNECTION_ETAG })
  @ApiProblems({ 404: '`NOT_FOUND`: no such connection in this workspace' })
  get(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
    @Res({ passthrough: true }) response: HttpReply,
  ) {
    return this.responder.respond(workspaceId, connectionId, null, response);
  }
}
