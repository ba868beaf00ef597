import { Logger, type Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import {
  ConfiguredPlatforms,
  MongoPendingAuthorizationStore,
  OAuthFlows,
  SqlitePendingAuthorizationStore,
  type PendingAuthorizationStore,
} from '@ledger/platforms';
import { APP_CONFIG, type AppConfig, MONGO_CONNECTION, sqliteFile, Sandbox } from '@ledger/runtime';
import { RefusedFlowTokens } from './refused-flow-tokens';

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
      const store: PendingAuthorizationStore = mongo
        ? await MongoPendingAuthorizationStore.open({ mongo })
        : SqlitePendingAuthorizationStore.open({ sqlitePath: sqliteFile(config, 'oauth.sqlite') });
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
