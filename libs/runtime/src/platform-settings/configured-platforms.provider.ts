import type { Provider } from '@nestjs/common';
import type { Platform } from '@ledger/domain';
import { ConfiguredPlatforms, loadPlatformsConfig, type TokenRevoker } from '@ledger/platforms';
import { Sandbox } from './sandbox';
import { sandboxRevoker } from './sandbox-revoker';
import { PLATFORM_ENV } from './platform-env';

/**
 * The platforms as this process runs them, one object each, shared by the OAuth flows, the
 * refused-flow revocation, teardown and the jobs. Where the sandbox stands in for a platform
 * that offers revocation, the sandbox forgets the tokens instead (it has no revoke endpoint).
 */
export const configuredPlatformsProvider: Provider = {
  provide: ConfiguredPlatforms,
  inject: [PLATFORM_ENV, Sandbox],
  useFactory: (env: Record<string, string | undefined>, sandbox: Sandbox) => {
    const platforms = ConfiguredPlatforms.fromConfig(loadPlatformsConfig(env), env);
    const revokers: Partial<Record<Platform, TokenRevoker>> = {};
    for (const platform of sandbox.platforms) {
      if (platforms.get(platform).revoker.offered !== false) {
        revokers[platform] = sandboxRevoker(sandbox, platform);
      }
    }
    return platforms.withRevokers(revokers);
  },
};
