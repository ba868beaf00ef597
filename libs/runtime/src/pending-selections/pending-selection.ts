import type { AccountRefusal, OAuthIntent, PlatformAccount } from '@ledger/platforms';
import type { FacebookPageRole, Platform } from '@ledger/domain';
import type { TokenVault } from '@ledger/token-vault';

/** One account offered for selection, as the user sees it (no tokens). */
export interface OfferedAccount {
  accountId: string;
  accountName: string;
  accountType: string;
  connectable: boolean;
  reason: string | null;
  refusal: AccountRefusal | null;
  linkedAccount: PlatformAccount['linkedAccount'] | null;
  /** True when the account has its own token in the vault (a Facebook Page). */
  hasAccountToken: boolean;
  /** Facebook: the user's role on the Page, carried on the connect (the domain decides). */
  pageRole?: FacebookPageRole;
}

/**
 * A callback that must let the user choose (Facebook Pages, LinkedIn profile and company pages).
 * The tokens are not here: they are sealed in the token vault under this selection's id.
 */
export interface PendingSelection {
  id: string;
  platform: Platform;
  workspaceId: string;
  userId: string;
  intent: OAuthIntent;
  actor: { role: string; ip: string | null; userAgent: string | null };
  accounts: OfferedAccount[];
  createdAt: Date;
  expiresAt: Date;
}

export const SELECTION_TTL_MS = 15 * 60 * 1000;

/** Where pending selections wait for the user's choice; single use, expiring. */
export interface PendingSelectionStore {
  save(selection: PendingSelection): Promise<void>;
  /** Reads it without taking it (to show its accounts); null when unknown or expired. */
  find(id: string, now: Date): Promise<PendingSelection | null>;
  /**
   * Removes and returns it, once, even when two processes race; null when unknown or expired.
   * An expired one stays for purgeExpired, which names it so its tokens can be shredded.
   */
  take(id: string, now: Date): Promise<PendingSelection | null>;
  /** Removes expired selections and returns them, so their sealed tokens can be shredded. */
  purgeExpired(now: Date): Promise<PendingSelection[]>;
  /** Removes every selection of the workspace, expired or not, and returns them (breach). */
  takeWorkspace(workspaceId: string): Promise<PendingSelection[]>;
  close(): Promise<void>;
}

/** The vault keys of a selection's tokens: the user's, and each account's own. */
export const selectionTokenRef = (
  selection: { id: string; workspaceId: string },
  accountId?: string,
) => ({
  workspaceId: selection.workspaceId,
  connectionId: accountId ? `selection:${selection.id}:${accountId}` : `selection:${selection.id}`,
});

/** Destroys every token sealed for a selection: once used, once expired, and on a breach. */
export async function shredSelectionTokens(
  vault: TokenVault,
  selection: PendingSelection,
): Promise<number> {
  let destroyed = Number(await vault.destroy(selectionTokenRef(selection)));
  for (const account of selection.accounts) {
    if (account.hasAccountToken)
      destroyed += Number(await vault.destroy(selectionTokenRef(selection, account.accountId)));
  }
  return destroyed;
}

/** Shreds the tokens of every expired selection; answers how many selections expired. */
export async function shredExpiredSelections(
  selections: PendingSelectionStore,
  vault: TokenVault,
  now: Date,
): Promise<number> {
  const expired = await selections.purgeExpired(now);
  for (const selection of expired) await shredSelectionTokens(vault, selection);
  return expired.length;
}
