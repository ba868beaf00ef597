import type { PlatformSettings } from '../platform-config';
import { boundedFetch } from '../http';
import {
  revokeUrlBeside,
  unreachable,
  type RevocableTokens,
  type RevocationResult,
  type TokenRevoker,
} from '../revoke/token-revoker';

/**
 * TikTok OAuth v2: `POST /v2/oauth/revoke/` with `client_key`, `client_secret` and `token`
 * (the access token) in a form body; revoking it ends the user's authorization of the app,
 * refresh token included. TikTok may answer HTTP 200 carrying `{error}`: that is a failure.
 */
export function tiktokTokenRevoker(
  settings: Pick<PlatformSettings, 'tokenUrl'> & { clientId: string; clientSecret: string },
  options: { timeoutMs?: number } = {},
): TokenRevoker {
  const url = revokeUrlBeside(settings.tokenUrl);
  return {
    platform: 'tiktok',
    async revoke(tokens: RevocableTokens): Promise<RevocationResult> {
      try {
        const response = await boundedFetch(
          url,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              client_key: settings.clientId,
              client_secret: settings.clientSecret,
              token: tokens.accessToken,
            }).toString(),
          },
          options.timeoutMs,
        );
        const text = await response.text().catch(() => '');
        let error: unknown = null;
        try {
          error = text ? (JSON.parse(text) as { error?: unknown }).error : null;
        } catch {
          error = null;
        }
        const code = typeof error === 'string' ? error : null;
        if (!response.ok || code) {
          return {
            platform: 'tiktok',
            status: 'failed',
            detail: `TikTok revoke answered HTTP ${response.status}${code ? ` (${code})` : ''}`,
          };
        }
        return { platform: 'tiktok', status: 'revoked', detail: null };
      } catch (cause) {
        return unreachable('tiktok', 'TikTok revoke endpoint', cause);
      }
    },
  };
}
