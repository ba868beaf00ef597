import type { Platform } from '@ledger/domain';
import type { PlatformsConfig } from '../platform-config';
import { configuredPlatforms } from '../platform-integrations';
import { FacebookPageHealthProbe } from './facebook-page-health-probe';
import type { HealthProbe } from './health-probe';
import { IdentityHealthProbe } from './identity-health-probe';

/**
 * The health probes of the configured platforms (client id and secret set), by platform. A
 * Facebook connection is a Page with its own Page token, checked by reading the Page; every
 * other platform by asking who the connection's token acts for.
 */
export function healthProbes(
  config: PlatformsConfig,
  env: Record<string, string | undefined> = {},
): Map<Platform, HealthProbe> {
  const probes = new Map<Platform, HealthProbe>();
  for (const { definition, identityClient } of configuredPlatforms(config, env)) {
    probes.set(
      definition.platform,
      definition.platform === 'facebook'
        ? new FacebookPageHealthProbe({ apiUrl: definition.apiUrl })
        : new IdentityHealthProbe(identityClient),
    );
  }
  return probes;
}
