import type { Platform } from '@ledger/domain';
import type { RevocableTokens, RevocationResult, TokenRevoker } from '@ledger/platforms';
import type { Sandbox } from './sandbox';

/**
 * Revocation for a platform running in the sandbox, where the real one offers it: the sandbox
 * forgets the tokens, so they stop working as revoked ones would at the platform.
 */
export function sandboxRevoker(sandbox: Sandbox, platform: Platform): TokenRevoker {
  return {
    platform,
    revoke(tokens: RevocableTokens): Promise<RevocationResult> {
      for (const token of [tokens.refreshToken, tokens.accessToken]) {
        if (token) sandbox.grants.revoke(platform, token);
      }
      return Promise.resolve({ platform, status: 'revoked', detail: null });
    },
  };
}
