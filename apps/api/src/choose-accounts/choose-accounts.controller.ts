import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Clock, CommandContext } from '@ledger/commands';
import { DomainError, type DomainErrorCode } from '@ledger/domain';
import type { ConnectionView } from '@ledger/read-models';
import type { ConnectionTokens, TokenVault } from '@ledger/token-vault';
import { CommandContextFrom } from '../command-context/command-context.decorator';
import {
  ConnectAccountCommand,
  type ConnectAccountResult,
} from '../connect-account/connect-account.command';
import { refuseIfNotConnectable } from '../connect-account/tokens-for-account';
import { ConnectionResponder } from '../get-connection/connection-responder';
import { ApiSelectionIdParam, SelectionIdParam } from '../http/ids';
import { Roles } from '../http/auth/auth.decorators';
import { ApiProblems } from '../http/openapi-responses';
import { validationFailed } from '../http/problem';
import {
  CLOCK,
  PENDING_SELECTIONS,
  TOKEN_VAULT,
  selectionTokenRef,
  shredExpiredSelections,
  shredSelectionTokens,
  type PendingSelection,
  type PendingSelectionStore,
} from '@ledger/runtime';
import { ChooseAccountsDto } from './choose-accounts.dto';
import { ChooseAccountsBody } from './choose-accounts.response';
import { SelectionBody } from '../connect-account/oauth.response';
import { offeredSelection } from '../connect-account/oauth-callback.service';

export interface ChooseAccountsOutcome {
  connections: ConnectionView[];
  /** Chosen accounts the workspace refused (plan limit, connected elsewhere...), one by one. */
  refused: { accountId: string; code: DomainErrorCode; detail: string }[];
}

@ApiTags('connections')
@ApiBearerAuth()
@ApiSelectionIdParam()
@Controller('v1/workspaces/:ws/connections/selections/:id')
export class ChooseAccountsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly responder: ConnectionResponder,
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
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
    const selection = await this.selections.find(selectionId, this.clock.now());
    if (
      !selection ||
      selection.workspaceId !== workspaceId ||
      selection.userId !== context.actor.userId
    ) {
      throw new DomainError('NOT_FOUND', 'No such selection: it expired or was used.', {
        selectionId,
      });
    }
    return offeredSelection(selection);
  }

  @Post()
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
    const now = this.clock.now();
    const selection = await this.selections.take(selectionId, now);
    // Perhaps it expired: its sealed tokens (and any other expired ones') go now.
    if (!selection) await shredExpiredSelections(this.selections, this.vault, now);
    if (
      !selection ||
      selection.workspaceId !== workspaceId ||
      selection.userId !== context.actor.userId
    ) {
      // Someone else's selection is as unknown as an expired one.
      if (selection) await this.selections.save(selection);
      throw new DomainError(
        'NOT_FOUND',
        'No such selection: it expired (after 15 minutes) or was used. Connect again.',
        {
          selectionId,
        },
      );
    }
    let chosen: PendingSelection['accounts'];
    try {
      chosen = this.chosenAccounts(selection, body.accountIds);
    } catch (error) {
      // A wrong choice changes nothing: the selection stays open for a better one.
      await this.selections.save(selection);
      throw error;
    }
    try {
      return await this.connectEach(selection, chosen, context);
    } finally {
      await shredSelectionTokens(this.vault, selection);
    }
  }

  /** Every id must be offered and connectable, before anything is connected. */
  private chosenAccounts(selection: PendingSelection, accountIds: string[]) {
    const unknown = accountIds.filter((id) => !selection.accounts.some((a) => a.accountId === id));
    if (unknown.length > 0) {
      throw validationFailed('Some chosen accounts were not offered', [
        { field: 'accountIds', messages: unknown.map((id) => `${id} is not in this selection`) },
      ]);
    }
    const chosen = selection.accounts.filter((a) => accountIds.includes(a.accountId));
    for (const account of chosen) refuseIfNotConnectable(selection.platform, account);
    return chosen;
  }

  private async connectEach(
    selection: PendingSelection,
    chosen: PendingSelection['accounts'],
    context: CommandContext,
  ): Promise<ChooseAccountsOutcome> {
    const outcome: ChooseAccountsOutcome = { connections: [], refused: [] };
    let firstRefusal: DomainError | null = null;
    for (const account of chosen) {
      const tokens = await this.tokensOf(selection, account.accountId, account.hasAccountToken);
      try {
        const result: ConnectAccountResult = await this.commands.execute(
          new ConnectAccountCommand(
            selection.workspaceId,
            selection.platform,
            {
              accountId: account.accountId,
              accountName: account.accountName,
              accountType: account.accountType,
            },
            tokens,
            context,
            { linkedAccount: account.linkedAccount },
          ),
        );
        outcome.connections.push(
          await this.responder.find(selection.workspaceId, result.connectionId, result.position),
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        firstRefusal ??= error;
        outcome.refused.push({
          accountId: account.accountId,
          code: error.code,
          detail: error.message,
        });
      }
    }
    // Nothing connected: the refusal itself is the answer (402, 409...).
    if (outcome.connections.length === 0 && firstRefusal) throw firstRefusal;
    return outcome;
  }

  private async tokensOf(
    selection: PendingSelection,
    accountId: string,
    own: boolean,
  ): Promise<ConnectionTokens> {
    const tokens = await this.vault.read(selectionTokenRef(selection, own ? accountId : undefined));
    if (!tokens) throw new Error('the selection’s sealed tokens are gone');
    return tokens;
  }
}
