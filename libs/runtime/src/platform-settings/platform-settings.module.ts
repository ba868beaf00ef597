import { Global, Module } from '@nestjs/common';
import { Sandbox } from './sandbox';
import { sandboxProviders } from './sandbox.providers';
import { PLATFORM_ENV } from './platform-env';
import { platformEnvProvider } from './platform-env.provider';
import { configuredPlatformsProvider } from './configured-platforms.provider';
import { ConfiguredPlatforms } from '@ledger/platforms';

/**
 * The platforms' settings, one instance per process: the OAuth flows, the sandbox that answers
 * for unconfigured platforms, and the token refreshers must agree on the same sandbox secrets;
 * ConfiguredPlatforms is built once from them.
 */
@Global()
@Module({
  providers: [...sandboxProviders, platformEnvProvider, configuredPlatformsProvider],
  exports: [Sandbox, PLATFORM_ENV, ConfiguredPlatforms],
})
export class PlatformSettingsModule {}
