import type { PlatformSettings } from '../platform-config';
import { boundedFetch } from '../http';
import {
  resultOf,
  revokeUrlBeside,
  unreachable,
  type RevocableTokens,
  type RevocationResult,
  type TokenRevoker,
} from '../revoke/token-revoker';

/**
 * X OAuth 2.0: `POST /2/oauth2/revoke` with `token` and `token_type_hint` in a form body and
 * the client's HTTP Basic credentials (confidential client). The refresh token is revoked
 * first (it is what could mint new access tokens), then the access token.
 */
export function xTokenRevoker(
  settings: Pick<PlatformSettings, 'tokenUrl'> & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number } = {},
): TokenRevoker {
  const url = revokeUrlBeside(settings.tokenUrl);
  const basic = Buffer.from(
    `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`,
  ).toString('base64');
  const revokeOne = async (token: string, hint: string): Promise<RevocationResult> => {
    try {
      const response = await boundedFetch(
        url,
        {
          method: 'POST',
          headers: {
            Authorization: `Basic ${basic}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
        },
        options.timeoutMs,
      );
      await response.arrayBuffer().catch(() => undefined);
      return resultOf('x', response, `X revoke (${hint})`);
    } catch (cause) {
      return unreachable('x', 'X revoke endpoint', cause);
    }
  };
  return {
    platform: 'x',
    async revoke(tokens: RevocableTokens): Promise<RevocationResult> {
      const results: RevocationResult[] = [];
      if (tokens.refreshToken) results.push(await revokeOne(tokens.refreshToken, 'refresh_token'));
      results.push(await revokeOne(tokens.accessToken, 'access_token'));
      return results.find((r) => r.status !== 'revoked') ?? results[0]!;
    },
  };
}
