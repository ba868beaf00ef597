import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@ledger/commands';
import { DomainError } from '@ledger/domain';
import { CLOCK, PENDING_SELECTIONS } from '@ledger/runtime';
import type { PendingSelection, PendingSelectionStore } from '@ledger/runtime';

/** A selection as its user sees it: what the callback answers, and GET on the selection. */
export interface OfferedSelection {
  id: string;
  expiresAt: string;
  accounts: OfferedAccountView[];
}

export interface OfferedAccountView {
  accountId: string;
  accountName: string;
  accountType: string;
  connectable: boolean;
  reason: string | null;
}

/** What the user is shown of a pending selection: no token references, no refusal internals. */
export function offeredSelection(selection: PendingSelection): OfferedSelection {
  return {
    id: selection.id,
    expiresAt: selection.expiresAt.toISOString(),
    accounts: selection.accounts.map(
      ({ accountId, accountName, accountType, connectable, reason }) => ({
        accountId,
        accountName,
        accountType,
        connectable,
        reason,
      }),
    ),
  };
}

/**
 * The accounts a selection offers, to its own user in its own workspace only: a browser sent
 * back with `result=selection&selectionId=` has only the id, and shows the picker from this.
 */
@Injectable()
export class OfferedSelectionQuery {
  constructor(
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async find(workspaceId: string, selectionId: string, userId: string): Promise<OfferedSelection> {
    const selection = await this.selections.find(selectionId, this.clock.now());
    if (!selection || selection.workspaceId !== workspaceId || selection.userId !== userId) {
      throw new DomainError('NOT_FOUND', 'No such selection: it expired or was used.', {
        selectionId,
      });
    }
    return offeredSelection(selection);
  }
}
