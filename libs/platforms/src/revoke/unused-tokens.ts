import type { Platform } from '@ledger/domain';
import type { OAuthTokens } from '../platform-definition';
import type { RevocationResult, TokenRevoker } from './token-revoker';

/**
 * Platforms whose revocation ends the user's whole authorization of the app, every token of
 * it, rather than the one token presented: Facebook (`DELETE /me/permissions`) and TikTok.
 */
const GRANT_WIDE_REVOCATION: ReadonlySet<Platform> = new Set<Platform>(['facebook', 'tiktok']);

/** Whether revoking one token at this platform ends every token of the same authorization. */
export function revokesWholeGrant(platform: Platform): boolean {
  return GRANT_WIDE_REVOCATION.has(platform);
}

/**
 * Revokes the tokens of a flow that was refused after the code exchange, so tokens this
 * service will never store are not left alive at the platform. Where the platform revokes the
 * whole grant, it is left alone when the account may be connected here already (another
 * workspace, a reconnect, a copy, an identity that could not be read): revoking would cut that
 * live connection too. Never throws; the result says what happened (null: no revoker).
 */
export async function revokeUnusedTokens(
  revoker: TokenRevoker | undefined,
  platform: Platform,
  obtained: OAuthTokens,
  accountMayBeConnected: boolean,
): Promise<RevocationResult | null> {
  if (!revoker) return null;
  if (GRANT_WIDE_REVOCATION.has(platform) && accountMayBeConnected) {
    return {
      platform,
      status: 'shared_grant',
      detail: `${platform} revokes the whole authorization, which a connection of this account may still use: left to expire`,
    };
  }
  return revoker.revoke({ accessToken: obtained.accessToken, refreshToken: obtained.refreshToken });
}
