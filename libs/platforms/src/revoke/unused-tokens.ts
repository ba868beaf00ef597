import type { ConfiguredPlatform } from '../configured-platforms';
import type { OAuthTokens } from '../platform-definition';
import type { RevocationResult } from './token-revoker';

/**
 * Revokes the tokens of a flow that was refused after the code exchange, so tokens this
 * service will never store are not left alive at the platform. Where the platform revokes the
 * whole grant, it is left alone when the account may be connected here already (another
 * workspace, a reconnect, a copy, an identity that could not be read): revoking would cut that
 * live connection too. Never throws; the result says what happened.
 */
export async function revokeUnusedTokens(
  platform: Pick<ConfiguredPlatform, 'id' | 'revoker' | 'revokesWholeGrant'>,
  obtained: OAuthTokens,
  accountMayBeConnected: boolean,
): Promise<RevocationResult> {
  if (platform.revokesWholeGrant && accountMayBeConnected) {
    return {
      platform: platform.id,
      status: 'shared_grant',
      detail: `${platform.id} revokes the whole authorization, which a connection of this account may still use: left to expire`,
    };
  }
  return platform.revoker.revoke({
    accessToken: obtained.accessToken,
    refreshToken: obtained.refreshToken,
  });
}
