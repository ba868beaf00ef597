import {
  DomainError,
  isFacebookPageRole,
  type FacebookPageRole,
  type PlatformAccount as DomainAccount,
} from '@ledger/domain';
import type { OAuthTokens, PlatformAccount } from '@ledger/platforms';
import type { ConnectionTokens } from '@ledger/token-vault';

/** The tokens a connection keeps: the account's own (a Page token) or the user's. */
export function tokensForAccount(account: PlatformAccount, tokens: OAuthTokens): ConnectionTokens {
  if (!account.accountToken) return userTokens(tokens);
  return {
    accessToken: account.accountToken.accessToken,
    refreshToken: null,
    scopes: [...tokens.scope],
    expiresAt: account.accountToken.expiresAt?.toISOString() ?? null,
    refreshExpiresAt: null,
  };
}

/** The signed-in user's own tokens, as the vault keeps them. */
export function userTokens(tokens: OAuthTokens): ConnectionTokens {
  const scopes = [...tokens.scope];
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    ...(tokens.tokenType ? { tokenType: tokens.tokenType } : {}),
    scopes,
    expiresAt: tokens.expiresAt?.toISOString() ?? null,
    refreshExpiresAt: tokens.refreshExpiresAt?.toISOString() ?? null,
  };
}

/** What the domain keeps of a platform account, with the platform's verdicts it decides on. */
export function domainAccount(account: PlatformAccount): DomainAccount {
  return {
    accountId: account.accountId,
    accountName: account.accountName,
    accountType: account.accountType,
    ...pageRoleOf(account),
  };
}

/** The user's role on a Facebook Page, as the platform said: the domain refuses a non-admin. */
export function pageRoleOf(account: Pick<PlatformAccount, 'attributes'>): {
  pageRole?: FacebookPageRole;
} {
  const pageRole = account.attributes?.pageRole;
  return isFacebookPageRole(pageRole) ? { pageRole } : {};
}

/**
 * An account the platform shows but the product does not connect: the contract's refusal,
 * answered before anything is connected (a selection stays open for a better choice). A
 * Facebook Page's is the domain's own rule (refuseUnlessPageAdmin), which decides again on
 * the connect itself from the role the command carries.
 */
export function refuseIfNotConnectable(
  platform: string,
  account: { accountName: string; refusal?: PlatformAccount['refusal'] | null },
): void {
  const refusal = account.refusal;
  if (!refusal) return;
  throw new DomainError(refusal.code, refusal.reason, {
    platform,
    accountName: account.accountName,
  });
}
