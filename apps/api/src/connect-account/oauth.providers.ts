import { Logger, type Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import {
  ConfiguredPlatforms,
  configurePlatformHttp,
  MongoPendingAuthorizationStore,
  OAuthFlows,
  SqlitePendingAuthorizationStore,
  type PendingAuthorizationStore,
} from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MONGO_CONNECTION } from '../storage/injection-tokens';
import { sqliteFile } from '../storage/token-vault.factory';
import { Sandbox } from '../sandbox/sandbox';
import { PLATFORM_ENV } from './platform-env';
import { RefusedFlowTokens } from './refused-flow-tokens';

export { PLATFORM_ENV };

/** Every platform setting the flows and the refreshers read: config, then the sandbox's. */
export const platformEnvProvider: Provider = {
  provide: PLATFORM_ENV,
  inject: [APP_CONFIG, Sandbox],
  useFactory: (config: AppConfig, sandbox: Sandbox): Record<string, string | undefined> => {
    // Every platform client reads these limits; set before any of them is built (they inject this).
    configurePlatformHttp(config.platformHttp);
    return {
      ...process.env,
      PUBLIC_BASE_URL: config.publicBaseUrl,
      ...platformEnv(config),
      ...config.platformExtras,
      ...sandbox.env(),
    };
  },
};

/**
 * OAuth flows whose state and PKCE verifier live in the service's own store (no cookie
 * session), so any API process completes a flow another began (docs/decisions/0003).
 */
export const oauthProviders: Provider[] = [
  RefusedFlowTokens,
  {
    provide: OAuthFlows,
    inject: [APP_CONFIG, MONGO_CONNECTION, Sandbox, ConfiguredPlatforms, RefusedFlowTokens],
    useFactory: async (
      config: AppConfig,
      mongo: Connection | null,
      sandbox: Sandbox,
      platforms: ConfiguredPlatforms,
      refused: RefusedFlowTokens,
    ) => {
      let store: PendingAuthorizationStore;
      if (mongo) {
        const mongoStore = new MongoPendingAuthorizationStore(mongo);
        await mongoStore.ensureIndexes();
        store = mongoStore;
      } else {
        store = SqlitePendingAuthorizationStore.open(sqliteFile(config, 'oauth.sqlite'));
      }
      // Outside production, platforms without credentials run in the sandbox (../sandbox).
      if (sandbox.platforms.length > 0) {
        new Logger('Sandbox').warn(
          `no client credentials for ${sandbox.platforms.join(', ')}: these connect to the local sandbox at ${config.publicBaseUrl}/sandbox (fake accounts, never in production)`,
        );
      }
      return new OAuthFlows({
        store,
        platforms: platforms.connectable,
        onUnusedTokens: (platform, tokens) => refused.revokeUnread(platform, tokens),
      });
    },
  },
];

/** The platform settings of the app config, as the platforms library reads them. */
function platformEnv(config: AppConfig): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [platform, settings] of Object.entries(config.platforms)) {
    const prefix = platform.toUpperCase();
    env[`${prefix}_CLIENT_ID`] = settings.clientId;
    env[`${prefix}_CLIENT_SECRET`] = settings.clientSecret;
    env[`${prefix}_AUTH_URL`] = settings.authUrl;
    env[`${prefix}_TOKEN_URL`] = settings.tokenUrl;
    env[`${prefix}_API_URL`] = settings.apiUrl;
  }
  return env;
}
