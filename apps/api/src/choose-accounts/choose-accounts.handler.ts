import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, CommandContext } from '@ledger/commands';
import { DomainError, type DomainErrorCode } from '@ledger/domain';
import type { ConnectionView } from '@ledger/read-models';
import type { ConnectionTokens, TokenVault } from '@ledger/token-vault';
import { ConnectAccountCommand } from '../connect-account/connect-account.command';
import { refuseIfNotConnectable } from '../connect-account/tokens-for-account';
import { validationFailed } from '../http/problem';
import { CLOCK, PENDING_SELECTIONS, TOKEN_VAULT } from '@ledger/runtime';
import {
  selectionTokenRef,
  shredExpiredSelections,
  shredSelectionTokens,
  type PendingSelection,
  type PendingSelectionStore,
} from '@ledger/runtime';

export interface ChooseAccountsOutcome {
  connections: ConnectionView[];
  /** Chosen accounts the workspace refused (plan limit, connected elsewhere...), one by one. */
  refused: { accountId: string; code: DomainErrorCode; detail: string }[];
}

/** The user chose accounts of a selection the callback offered. */
export class ChooseAccountsCommand {
  constructor(
    readonly workspaceId: string,
    readonly selectionId: string,
    readonly accountIds: string[],
    readonly context: CommandContext,
  ) {}
}

/**
 * Takes the selection (once, even when two requests race), checks every chosen id before
 * anything is connected, connects each chosen account with its sealed tokens, and shreds the
 * selection's tokens whatever came of it. A wrong choice leaves the selection open.
 */
@CommandHandler(ChooseAccountsCommand)
export class ChooseAccountsHandler implements ICommandHandler<ChooseAccountsCommand> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ChooseAccountsCommand): Promise<ChooseAccountsOutcome> {
    const { workspaceId, selectionId, context } = command;
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
        { selectionId },
      );
    }
    let chosen: PendingSelection['accounts'];
    try {
      chosen = chosenAccounts(selection, command.accountIds);
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
        outcome.connections.push(
          await this.commands.execute<ConnectAccountCommand, ConnectionView>(
            new ConnectAccountCommand(
              selection.workspaceId,
              selection.platform,
              {
                accountId: account.accountId,
                accountName: account.accountName,
                accountType: account.accountType,
                ...(account.pageRole ? { pageRole: account.pageRole } : {}),
              },
              tokens,
              context,
              { linkedAccount: account.linkedAccount },
            ),
          ),
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

/** Every id must be offered and connectable, before anything is connected. */
function chosenAccounts(selection: PendingSelection, accountIds: string[]) {
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
