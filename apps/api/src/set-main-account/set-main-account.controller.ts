import { Controller, HttpCode, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpReply } from '../http/http-exchange';
import type { WorkspaceCommandResult } from '@ledger/commands';
import {
  CommandContextFrom,
  type RequestCommandContext,
} from '../command-context/command-context.decorator';
import { ApiConnectionIdParam, ConnectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { IfMatchVersion } from '../http/etag';
import { ApiProblems } from '../http/openapi-responses';
import { CONNECTION_ETAG, ConnectionBody } from '../list-connections/connection.response';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { RecordWorkspaceCommand } from '../command-context/record-workspace-command';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('connections')
@ApiBearerAuth()
@ApiConnectionIdParam()
@Controller('v1/workspaces/:ws/connections/:id/main')
export class SetMainAccountController {
  constructor(
    private readonly commands: CommandBus,
    private readonly responder: ConnectionResponder,
  ) {}

  @IdempotentPost()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Make this connection its platform’s main account (demotes the previous main)',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag you read; 412 if it changed since',
  })
  @ApiOkResponse({ type: ConnectionBody, headers: CONNECTION_ETAG })
  @ApiProblems({
    404: '`NOT_FOUND`: no such connection in this workspace',
    409: '`CONNECTION_EXPIRED`: an expired connection cannot be main; reconnect it first',
    412: '`PRECONDITION_FAILED`: If-Match names another version than the current one',
  })
  async setMain(
    @Param('ws') workspaceId: string,
    @ConnectionIdParam() connectionId: string,
    @IfMatchVersion() expectedVersion: number | undefined,
    @CommandContextFrom() context: RequestCommandContext,
    @Res({ passthrough: true }) response: HttpReply,
  ) {
    const result: WorkspaceCommandResult = await this.commands.execute(
      new RecordWorkspaceCommand(
        {
          type: 'SetMainAccount',
          workspaceId,
          connectionId,
          expectedVersion: expectedVersion ?? null,
        },
        context,
      ),
    );
    return this.responder.respond(workspaceId, connectionId, result.position, response);
  }
}
