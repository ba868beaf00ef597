import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import type { Clock } from '@ledger/commands';
import type { CompletedOAuth } from '@ledger/platforms';
import type { TokenVault } from '@ledger/token-vault';
import { pageRoleOf, tokensForAccount, userTokens } from '../connect-account/tokens-for-account';
import { CLOCK, PENDING_SELECTIONS, TOKEN_VAULT } from '@ledger/runtime';
import { offeredSelection, type OfferedSelection } from './offered-selection';
import {
  SELECTION_TTL_MS,
  selectionTokenRef,
  shredSelectionTokens,
  type PendingSelection,
  type PendingSelectionStore,
} from '@ledger/runtime';

/** A completed connect flow on a platform where the user chooses (Pages, company pages). */
export class OfferSelectionCommand {
  constructor(readonly completed: CompletedOAuth) {}
}

/** Seals the flow's tokens under a new selection and answers what the user may choose from. */
@CommandHandler(OfferSelectionCommand)
export class OfferSelectionHandler implements ICommandHandler<OfferSelectionCommand> {
  constructor(
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(PENDING_SELECTIONS) private readonly selections: PendingSelectionStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ completed }: OfferSelectionCommand): Promise<OfferedSelection> {
    const { pending, identities, tokens } = completed;
    const now = this.clock.now();
    // Abandoned selections leave sealed tokens behind: shred them as new ones arrive.
    for (const expired of await this.selections.purgeExpired(now)) {
      await shredSelectionTokens(this.vault, expired);
    }
    const selection: PendingSelection = {
      id: randomBytes(16).toString('base64url'),
      platform: pending.platform,
      workspaceId: pending.workspaceId,
      userId: pending.userId,
      intent: pending.intent,
      actor: pending.actor,
      accounts: identities.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        accountType: a.accountType,
        connectable: !a.refusal,
        reason: a.refusal?.reason ?? null,
        refusal: a.refusal ?? null,
        linkedAccount: a.linkedAccount ?? null,
        hasAccountToken: Boolean(a.accountToken),
        ...pageRoleOf(a),
      })),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SELECTION_TTL_MS),
    };
    await this.vault.store(selectionTokenRef(selection), userTokens(tokens));
    for (const account of identities) {
      if (account.accountToken) {
        await this.vault.store(
          selectionTokenRef(selection, account.accountId),
          tokensForAccount(account, tokens),
        );
      }
    }
    await this.selections.save(selection);
    return offeredSelection(selection);
  }
}
