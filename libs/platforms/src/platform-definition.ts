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

/** One account the platform says the token can act for (a profile, a Page, a company page). */
export interface PlatformAccount {
  accountId: string;
  /** The platform handle or page name, as the connection shows it. */
  accountName: string;
  /** Platform-specific, e.g. X: `standard` | `premium` | `business`. */
  accountType: string;
  displayName?: string;
  pictureUrl?: string;
}

/** Per platform: who is behind a fresh access token. */
export interface PlatformIdentityClient {
  readonly platform: Platform;
  fetchIdentities(accessToken: string): Promise<PlatformAccount[]>;
}

/** A platform ready for OAuth: its definition and how to learn the identity behind a token. */
export interface OAuthPlatform {
  definition: PlatformDefinition;
  identityClient: PlatformIdentityClient;
}
