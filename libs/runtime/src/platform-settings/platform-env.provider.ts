import type { Provider } from '@nestjs/common';
import { configurePlatformHttp } from '@ledger/platforms';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PLATFORM_ENV } from './platform-env';
import { Sandbox } from './sandbox';

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
