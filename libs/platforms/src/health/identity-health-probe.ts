import type { Platform } from '@ledger/domain';
import type { OAuthTokens, PlatformIdentityClient } from '../platform-definition';
import {
  healthOutcome,
  healthy,
  notAdministered,
  platformLabel,
  type HealthOutcome,
  type HealthProbe,
  type ProbedConnection,
} from './health-probe';

/**
 * Accounts a user holds a role on rather than being them (LinkedIn company pages): when the
 * token's identities no longer include one, the user is no longer its admin.
 */
const ADMINISTERED_TYPES: Partial<Record<Platform, { types: string[]; what: string }>> = {
  linkedin: { types: ['organization', 'company', 'page'], what: 'company page' },
};

/**
 * Checks a connection by asking the platform who its token acts for, with the same identity
 * client that connected it: X `GET /2/users/me`, Instagram and Threads `GET /me`, TikTok
 * `/v2/user/info/`, LinkedIn `/v2/userinfo` and the administered organizations. The account
 * must still be among the answers, under the same id (a renamed account keeps its id).
 */
export class IdentityHealthProbe implements HealthProbe {
  readonly platform: Platform;

  constructor(private readonly identity: PlatformIdentityClient) {
    this.platform = identity.platform;
  }

  async probe(connection: ProbedConnection): Promise<HealthOutcome> {
    let accounts;
    try {
      accounts = await this.identity.fetchIdentities(
        connection.tokens.accessToken,
        oauthTokens(connection),
      );
    } catch (error) {
      return healthOutcome(error);
    }
    const account = accounts.find((a) => a.accountId === connection.accountId);
    const label = platformLabel(this.platform);
    if (!account) {
      const administered = ADMINISTERED_TYPES[this.platform];
      if (administered && administered.types.includes(connection.accountType)) {
        return notAdministered(this.platform, administered.what);
      }
      return {
        kind: 'error',
        code: 'ACCOUNT_NOT_FOUND',
        reason: `${label} account not found: this connection's authorization now acts for another ${label} account. Reconnect the account it belongs to, or remove it.`,
      };
    }
    if (account.refusal) {
      return {
        kind: 'error',
        code: account.refusal.code,
        reason: account.refusal.reason,
      };
    }
    return healthy(connection, account.accountName);
  }
}

/** The vault's tokens in the shape identity clients take (what they read of them: scopes). */
function oauthTokens(connection: ProbedConnection): OAuthTokens {
  const { tokens } = connection;
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: null,
    expiresAt: tokens.expiresAt ? new Date(tokens.expiresAt) : null,
    refreshExpiresAt: tokens.refreshExpiresAt ? new Date(tokens.refreshExpiresAt) : null,
    scope: [...tokens.scopes],
    tokenType: tokens.tokenType ?? null,
  };
}
