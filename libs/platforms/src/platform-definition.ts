import type { Platform } from '@ledger/domain';
import type { PlatformSettings } from './platform-config';

/**
 * How a client authenticates to the token endpoint (RFC 6749 §2.3.1): HTTP Basic
 * (X confidential clients) or `client_secret` in the form body (Meta, LinkedIn, ...).
 */
export type TokenEndpointAuth = 'client_secret_basic' | 'client_secret_post';

/** What differs between platforms' OAuth, fixed in code (URLs and credentials come from config). */
export interface PlatformOAuthTraits {
  platform: Platform;
  scopes: readonly string[];
  /** X and LinkedIn separate scopes with spaces; Meta and TikTok with commas. */
  scopeSeparator: ' ' | ',';
  /** PKCE with S256. */
  pkce: boolean;
  tokenEndpointAuth: TokenEndpointAuth;
  /**
   * The user chooses which accounts to connect (Facebook Pages, LinkedIn profile and company
   * pages): the callback answers a selection instead of connecting at once.
   */
  selection: boolean;
  /**
   * The name of the client id parameter at the authorization endpoint and in the token request
   * body; TikTok calls it `client_key`.
   */
  clientIdParameter?: string;
}

/** Everything an OAuth flow for one platform needs: its traits plus configured endpoints and credentials. */
export interface PlatformDefinition extends PlatformOAuthTraits {
  authorizationUrl: string;
  tokenUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export function definePlatform(
  traits: PlatformOAuthTraits,
  settings: PlatformSettings & { clientId: string; clientSecret: string },
): PlatformDefinition {
  if (traits.platform !== settings.platform) {
    throw new Error(`Settings for ${settings.platform} given to ${traits.platform}`);
  }
  return {
    ...traits,
    authorizationUrl: settings.authorizationUrl,
    tokenUrl: settings.tokenUrl,
    apiUrl: settings.apiUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri: settings.redirectUri,
  };
}

/** Why the user may see an account but not connect it, with the contract's error code. */
export interface AccountRefusal {
  code: 'INSUFFICIENT_PERMISSIONS' | 'ACCOUNT_TYPE_NOT_SUPPORTED';
  /** What the user can do about it, in the product's words. */
  reason: string;
}

/** One account the platform says the token can act for (a profile, a Page, a company page). */
export interface PlatformAccount {
  accountId: string;
  /** The platform handle or page name, as the connection shows it. */
  accountName: string;
  /** Platform-specific, e.g. X: `standard` | `premium` | `business`; Facebook: `page`. */
  accountType: string;
  displayName?: string;
  pictureUrl?: string;
  /** Set when this account cannot be connected (an Editor's Page, a personal Instagram...). */
  refusal?: AccountRefusal;
  /**
   * The account's own token when it is not the user's (a Facebook Page token). Secret: it
   * goes to the token vault and nowhere else.
   */
  accountToken?: { accessToken: string; expiresAt: Date | null };
  /** The account this one belongs to (Threads: its Instagram account, by username and id). */
  linkedAccount?: { platform: Platform; accountId: string | null; accountName: string | null };
  /** Extra facts worth keeping, never secrets (X: post length the account type allows). */
  attributes?: Record<string, string | number | boolean>;
}

/** The tokens an OAuth flow ends with (after any long-lived exchange). */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds, as the platform returned it (X: 7200); null when it gave none. */
  expiresIn: number | null;
  /** `now + expiresIn` on the flows' clock. */
  expiresAt: Date | null;
  /** When the refresh token stops working, where the platform says (TikTok). */
  refreshExpiresAt?: Date | null;
  /** Granted scopes (may be fewer than requested). */
  scope: string[];
  tokenType: string | null;
  /** Other fields of the token response worth keeping (TikTok `open_id`), never secrets. */
  extra?: Record<string, string>;
}

/** Per platform: who is behind a fresh access token. */
export interface PlatformIdentityClient {
  readonly platform: Platform;
  /**
   * Meta's short-lived tokens are exchanged for long-lived ones before anything else uses them
   * (fb_exchange_token, ig_exchange_token, th_exchange_token). Absent: the tokens are kept.
   */
  exchangeToken?(tokens: OAuthTokens, now: Date): Promise<OAuthTokens>;
  fetchIdentities(accessToken: string, tokens: OAuthTokens): Promise<PlatformAccount[]>;
}

/** A platform ready for OAuth: its definition and how to learn the identity behind a token. */
export interface OAuthPlatform {
  definition: PlatformDefinition;
  identityClient: PlatformIdentityClient;
}
