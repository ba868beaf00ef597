import type { PlatformSettings } from '../platform-config';
import { boundedFetch } from '../http';
import {
  resultOf,
  unreachable,
  type RevocableTokens,
  type RevocationResult,
  type TokenRevoker,
} from '../revoke/token-revoker';

/**
 * Facebook Graph: `DELETE /me/permissions` with the connection's token (a Page token for a
 * Page connection) withdraws the app's permissions, so the token stops working.
 */
export function facebookTokenRevoker(
  settings: Pick<PlatformSettings, 'apiUrl'>,
  options: { timeoutMs?: number } = {},
): TokenRevoker {
  const url = `${settings.apiUrl.replace(/\/+$/, '')}/me/permissions`;
  return {
    platform: 'facebook',
    async revoke(tokens: RevocableTokens): Promise<RevocationResult> {
      try {
        const response = await boundedFetch(
          url,
          {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${tokens.accessToken}` },
          },
          options.timeoutMs,
        );
        await response.arrayBuffer().catch(() => undefined);
        return resultOf('facebook', response, 'Facebook DELETE /me/permissions');
      } catch (cause) {
        return unreachable('facebook', 'Facebook Graph API', cause);
      }
    },
  };
}
