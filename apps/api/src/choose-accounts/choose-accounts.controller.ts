import { Body, Controller, Get, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@ledger/commands';
import { CommandContextFrom } from '../command-context/command-context.decorator';
import { ApiSelectionIdParam, SelectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { ChooseAccountsDto } from './choose-accounts.dto';
import { ChooseAccountsBody } from './choose-accounts.response';
import { SelectionBody } from '../connect-account/oauth.response';
import { ChooseAccountsCommand, type ChooseAccountsOutcome } from './choose-accounts.handler';
import { OfferedSelectionQuery } from './offered-selection';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

@ApiTags('connections')
@ApiBearerAuth()
@ApiSelectionIdParam()
@Controller('v1/workspaces/:ws/connections/selections/:id')
export class ChooseAccountsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly offers: OfferedSelectionQuery,
  ) {}

  /**
   * The accounts a selection offers: a browser sent back with `result=selection&selectionId=`
   * (a flow started with `returnTo`) has only the id, and shows the picker from this.
   */
  @Get()
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'The accounts a selection offers, connectable or not (with why)' })
  @ApiOkResponse({ type: SelectionBody })
  @ApiProblems({
    404: '`NOT_FOUND`: the selection expired (15 minutes), was used, or is not yours',
  })
  async offered(
    @Param('ws') workspaceId: string,
    @Param('id') selectionId: string,
    @CommandContextFrom() context: CommandContext,
  ): Promise<SelectionBody> {
    return this.offers.find(workspaceId, selectionId, context.actor.userId);
  }

  @IdempotentPost()
  @HttpCode(200)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary:
      'Connect the chosen accounts of a selection (Pages, company pages); each meets the plan limit and the one-workspace rule',
  })
  @ApiOkResponse({
    type: ChooseAccountsBody,
    description: 'At least one chosen account connected; the others are listed in `refused`',
  })
  @ApiProblems({
    400: '`VALIDATION_FAILED`: a chosen account was not offered in this selection',
    402: '`PLAN_LIMIT_REACHED`: the plan allows no more accounts on this platform',
    403: '`INSUFFICIENT_PERMISSIONS`: platform scopes or page role do not allow connecting',
    404: '`NOT_FOUND`: the selection expired (15 minutes), was used, or is not yours',
    409: '`ALREADY_CONNECTED_ELSEWHERE` (another workspace has it; copy it instead) or another conflict (`ALREADY_CONNECTED`, `LINKED_ACCOUNT_REQUIRED`, `RECONNECT_ACCOUNT_MISMATCH`, `COPY_ACCOUNT_MISMATCH`)',
    422: '`ACCOUNT_TYPE_NOT_SUPPORTED`: e.g. a personal TikTok account, a restricted region',
  })
  async choose(
    @Param('ws') workspaceId: string,
    @SelectionIdParam() selectionId: string,
    @Body() body: ChooseAccountsDto,
    @CommandContextFrom() context: CommandContext,
  ): Promise<ChooseAccountsOutcome> {
    return this.commands.execute(
      new ChooseAccountsCommand(workspaceId, selectionId, body.accountIds, context),
    );
  }
}
