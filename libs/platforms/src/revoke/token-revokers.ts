import type { Platform } from '@ledger/domain';
import { isConfigured, type PlatformsConfig } from '../platform-config';
import { facebookTokenRevoker } from '../facebook/facebook-revoke';
import { tiktokTokenRevoker } from '../tiktok/tiktok-revoke';
import { notOfferedRevoker, type TokenRevoker } from './token-revoker';
import { xTokenRevoker } from '../x/x-revoke';

const NOT_OFFERED: Record<'linkedin' | 'instagram' | 'threads', string> = {
  linkedin:
    'LinkedIn offers no self-serve token revocation to most apps: the member removes the app under Settings > Data privacy > Permitted services.',
  instagram:
    'Instagram (Instagram Login) documents no token revocation endpoint: the user removes the app in their Instagram settings.',
  threads:
    'Threads documents no token revocation endpoint: the user removes the app in their Threads settings.',
};

/**
 * A revoker per platform. A platform offering revocation but without credentials here cannot
 * be asked: its revoker answers `failed` saying so.
 */
export function tokenRevokers(
  config: PlatformsConfig,
  options: { timeoutMs?: number } = {},
): Record<Platform, TokenRevoker> {
  const unconfigured = (platform: Platform): TokenRevoker => ({
    platform,
    revoke: () =>
      Promise.resolve({
        platform,
        status: 'failed',
        detail: `${platform} has no client credentials configured: revoke the app's access at the platform`,
      }),
  });
  const x = config.platforms.x;
  const tiktok = config.platforms.tiktok;
  return {
    x: isConfigured(x) ? xTokenRevoker(x, options) : unconfigured('x'),
    tiktok: isConfigured(tiktok) ? tiktokTokenRevoker(tiktok, options) : unconfigured('tiktok'),
    facebook: facebookTokenRevoker(config.platforms.facebook, options),
    linkedin: notOfferedRevoker('linkedin', NOT_OFFERED.linkedin),
    instagram: notOfferedRevoker('instagram', NOT_OFFERED.instagram),
    threads: notOfferedRevoker('threads', NOT_OFFERED.threads),
  };
}
