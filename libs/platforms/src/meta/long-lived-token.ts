import type { OAuthTokens } from '../platform-definition';
import type { GraphClient } from './graph-client';

/** Where and how one Meta host exchanges a short-lived user token for a long-lived one. */
export interface LongLivedExchange {
  /**
   * Path under the API base: `oauth/access_token` (Facebook, with `fb_exchange_token`),
   * `access_token` (Instagram `ig_exchange_token`, Threads `th_exchange_token`).
   */
  path: string;
  /** The grant and credentials; the short-lived token is among them. Secret: never logged. */
  query: Record<string, string>;
}

interface LongLivedTokenBody {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/**
 * Exchanges a fresh short-lived Meta user token for a long-lived one (about 60 days) and
 * returns the flow's tokens with it, its lifetime as Meta returned it, and no refresh token
 * (Meta refreshes by exchanging or `*_refresh_token` the access token itself). An expired
 * or revoked token is refused by Meta (Graph error 190): the user has to log in again.
 */
export async function exchangeForLongLivedToken(
  client: GraphClient,
  exchange: LongLivedExchange,
  tokens: OAuthTokens,
  now: Date,
): Promise<OAuthTokens> {
  const body = await client.get<LongLivedTokenBody>({
    path: exchange.path,
    query: exchange.query,
    accessToken: null,
    what: 'exchanging the token for a long-lived one',
  });
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw client.unavailable('answered the long-lived token exchange without a token', 200);
  }
  const expiresIn = seconds(body.expires_in);
  return {
    ...tokens,
    accessToken: body.access_token,
    refreshToken: null,
    expiresIn,
    expiresAt: expiresIn === null ? null : new Date(now.getTime() + expiresIn * 1000),
    tokenType: typeof body.token_type === 'string' ? body.token_type : tokens.tokenType,
  };
}

function seconds(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}
