import type { Platform } from '@ledger/domain';
import { unansweredReason } from '../http';

/**
 * What revoking a connection's tokens at its platform came to:
 * `revoked` the platform confirmed it; `not_offered` the platform has no self-serve revocation
 * for this app; `failed` the platform refused or could not be reached (the tokens are shredded
 * here anyway); `no_tokens` there was nothing left to revoke (already shredded); `shared_grant`
 * not asked, because the platform would end the whole authorization, which another live
 * connection still uses (shredded here all the same).
 */
export type RevocationStatus = 'revoked' | 'not_offered' | 'failed' | 'no_tokens' | 'shared_grant';

export interface RevocationResult {
  platform: Platform;
  status: RevocationStatus;
  /** Why, for people: never a token value. */
  detail: string | null;
}

/** The tokens to revoke, as the vault held them. */
export interface RevocableTokens {
  accessToken: string;
  refreshToken: string | null;
}

/** Revokes one connection's tokens at its platform. Never throws: failures are results. */
export interface TokenRevoker {
  readonly platform: Platform;
  /** False where the platform has no self-serve revocation (absent: it has). */
  readonly offered?: boolean;
  revoke(tokens: RevocableTokens): Promise<RevocationResult>;
}

/** For platforms without self-serve revocation (LinkedIn for most apps, Instagram, Threads). */
export function notOfferedRevoker(platform: Platform, detail: string): TokenRevoker {
  return {
    platform,
    offered: false,
    revoke: () => Promise.resolve({ platform, status: 'not_offered', detail }),
  };
}

/** A result from an HTTP answer: 2xx revoked, anything else failed with the status only. */
export function resultOf(platform: Platform, response: Response, label: string): RevocationResult {
  return response.ok
    ? { platform, status: 'revoked', detail: null }
    : { platform, status: 'failed', detail: `${label} answered HTTP ${response.status}` };
}

/** A failure that got no answer (timeout, refused): its name only, never the request. */
export function unreachable(platform: Platform, label: string, cause: unknown): RevocationResult {
  const name = cause instanceof Error ? cause.name : 'Error';
  return { platform, status: 'failed', detail: `${label} ${unansweredReason(cause)} (${name})` };
}

/** The revoke endpoint beside a token endpoint (`.../token` → `.../revoke`, trailing slash kept). */
export function revokeUrlBeside(tokenUrl: string): string {
  const url = new URL(tokenUrl);
  url.pathname = url.pathname.replace(/token(\/?)$/, 'revoke$1');
  return url.toString();
}

/** Kept for callers that name it; revokers use the configured deadline (PLATFORM_HTTP_TIMEOUT_MS). */
export const DEFAULT_REVOKE_TIMEOUT_MS = 10_000;

/** A platform offering revocation, without client credentials here: it cannot be asked. */
export function unconfiguredRevoker(platform: Platform): TokenRevoker {
  return {
    platform,
    revoke: () =>
      Promise.resolve({
        platform,
        status: 'failed',
        detail: `${platform} has no client credentials configured: revoke the app's access at the platform`,
      }),
  };
}
