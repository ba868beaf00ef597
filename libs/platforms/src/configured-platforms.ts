import type { Platform } from '@ledger/domain';
import { facebookPlatform } from './facebook/facebook';
import type { HealthProbe } from './health/health-probe';
import { instagramPlatform } from './instagram/instagram';
import { linkedinPlatform } from './linkedin/linkedin';
import type { PlatformIntegration } from './platform';
import { isConfigured, type EnvLike, type PlatformsConfig } from './platform-config';
import type { OAuthPlatform } from './platform-definition';
import type { PostPublisher } from './publish/post-publisher';
import type { TokenRefresher } from './refresh/token-refresher';
import type { TokenRevoker } from './revoke/token-revoker';
import { threadsPlatform } from './threads/threads';
import { tiktokPlatform } from './tiktok/tiktok';
import { xPlatform } from './x/x';

/** Every platform this service integrates, one object each. */
export const PLATFORM_INTEGRATIONS: readonly PlatformIntegration[] = [
  xPlatform,
  facebookPlatform,
  instagramPlatform,
  threadsPlatform,
  linkedinPlatform,
  tiktokPlatform,
];

/** One platform as this process runs it, built once from its settings. */
export interface ConfiguredPlatform {
  readonly id: Platform;
  readonly revokesWholeGrant: boolean;
  /** Null without client credentials: nobody can connect it, nothing to refresh or probe. */
  readonly oauth: OAuthPlatform | null;
  readonly refresher: TokenRefresher | null;
  readonly health: HealthProbe | null;
  /** Always present: without credentials it says the platform cannot be asked. */
  readonly revoker: TokenRevoker;
  readonly publisher: PostPublisher;
}

/**
 * The platforms of one configuration, each looked up once by id; every consumer (OAuth flows,
 * teardown, refresh, publish, health) takes its part from the same object.
 */
export class ConfiguredPlatforms {
  private constructor(private readonly byId: ReadonlyMap<Platform, ConfiguredPlatform>) {}

  static fromConfig(
    config: PlatformsConfig,
    env: EnvLike = {},
    options: { timeoutMs?: number } = {},
  ): ConfiguredPlatforms {
    const build = { env, timeoutMs: options.timeoutMs };
    const byId = new Map<Platform, ConfiguredPlatform>();
    for (const integration of PLATFORM_INTEGRATIONS) {
      const settings = config.platforms[integration.id];
      const credentialed = isConfigured(settings) ? settings : null;
      const oauth = credentialed && integration.oauth(credentialed, build);
      byId.set(integration.id, {
        id: integration.id,
        revokesWholeGrant: integration.revokesWholeGrant,
        oauth,
        refresher: credentialed && integration.refresh(credentialed, build),
        health: credentialed && oauth && integration.health(credentialed, oauth),
        revoker: integration.revoke(settings, build),
        publisher: integration.publish(settings, build),
      });
    }
    return new ConfiguredPlatforms(byId);
  }

  get(platform: Platform): ConfiguredPlatform {
    const found = this.byId.get(platform);
    if (!found) throw new Error(`unknown platform ${platform}`);
    return found;
  }

  get all(): ConfiguredPlatform[] {
    return [...this.byId.values()];
  }

  /** The platforms a user can connect: those with client credentials. */
  get connectable(): OAuthPlatform[] {
    return this.all.flatMap((p) => (p.oauth ? [p.oauth] : []));
  }

  /** The same platforms with other revokers (the sandbox's, where it stands in). */
  withRevokers(revokers: Partial<Record<Platform, TokenRevoker>>): ConfiguredPlatforms {
    return new ConfiguredPlatforms(
      new Map(this.all.map((p) => [p.id, { ...p, revoker: revokers[p.id] ?? p.revoker }])),
    );
  }
}
