import type { Provider } from '@nestjs/common';
import type { Clock } from '@ledger/commands';
import type { TokenVault } from '@ledger/token-vault';
import { shredExpiredSelections, type PendingSelectionStore } from '@ledger/runtime';
import { CLOCK, PENDING_SELECTIONS, TOKEN_VAULT } from '@ledger/runtime';

/** How often a worker looks for expired selections (they live 15 minutes). */
export const EXPIRED_SELECTIONS_EVERY_MS = 60_000;

/**
 * Shreds the sealed tokens of selections nobody chose before they expired. Without it they
 * stayed in the vault until the next selection of any workspace happened to sweep them. No
 * lease: each expired selection is handed to exactly one caller of purgeExpired.
 */
export class ExpiredSelectionsJob {
  constructor(
    private readonly selections: PendingSelectionStore,
    private readonly vault: TokenVault,
    private readonly clock: Clock,
  ) {}

  /** How many expired selections had their tokens shredded. */
  runOnce(): Promise<number> {
    return shredExpiredSelections(this.selections, this.vault, this.clock.now());
  }
}

export const expiredSelectionsProvider: Provider = {
  provide: ExpiredSelectionsJob,
  inject: [PENDING_SELECTIONS, TOKEN_VAULT, CLOCK],
  useFactory: (selections: PendingSelectionStore, vault: TokenVault, clock: Clock) =>
    new ExpiredSelectionsJob(selections, vault, clock),
};
