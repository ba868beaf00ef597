import type { Platform } from '@ledger/domain';
import type { HealthProbe } from './health/health-probe';
import type { EnvLike, PlatformSettings } from './platform-config';
import type { OAuthPlatform, PlatformOAuthTraits } from './platform-definition';
import type { PostPublisher } from './publish/post-publisher';
import type { TokenRefresher } from './refresh/token-refresher';
import type { TokenRevoker } from './revoke/token-revoker';

/** A platform's settings once it has client credentials. */
export type CredentialedSettings = PlatformSettings & { clientId: string; clientSecret: string };

/** What every part of a platform may read besides its settings. */
export interface PlatformBuildOptions {
  /** Platform-specific extras (TIKTOK_RESTRICTED_REGIONS, TIKTOK_BUSINESS_API_URL). */
  env: EnvLike;
  /** Per request to the platform; each part's default when absent. */
  timeoutMs?: number;
}

/**
 * Everything this service does with one platform, in one object (docs/decisions/0019): its
 * OAuth traits, and how its OAuth, refresh, revoke, publish and health parts are built from
 * the configured settings. A new platform is one more of these in PLATFORM_INTEGRATIONS.
 */
export interface PlatformIntegration {
  readonly id: Platform;
  readonly oauthTraits: PlatformOAuthTraits;
  /** Revoking one token ends the user's whole authorization of the app (Facebook, TikTok). */
  readonly revokesWholeGrant: boolean;
  oauth(settings: CredentialedSettings, options: PlatformBuildOptions): OAuthPlatform;
  refresh(settings: CredentialedSettings, options: PlatformBuildOptions): TokenRefresher;
  /** Also without credentials: then the revoker says the platform cannot be asked. */
  revoke(settings: PlatformSettings, options: PlatformBuildOptions): TokenRevoker;
  publish(settings: PlatformSettings, options: PlatformBuildOptions): PostPublisher;
  health(settings: CredentialedSettings, oauth: OAuthPlatform): HealthProbe;
}
