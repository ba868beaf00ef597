import { DomainError, type Platform } from '@ledger/domain';
import { parseRestrictedRegions } from '@ledger/platforms';
import type { AppConfig } from '@ledger/runtime';
import { validationFailed } from '../http/problem';

/**
 * TikTok restricts some regions, but none of its APIs says where an account is registered:
 * the user declares it when connecting (the product asks, as the TikTok app itself does).
 * With TIKTOK_RESTRICTED_REGIONS configured the region is required, and a restricted one is
 * refused before anyone is sent to TikTok.
 */
export function checkAccountRegion(
  config: AppConfig,
  platform: Platform,
  region: string | undefined,
): void {
  if (platform !== 'tiktok') return;
  const restricted = parseRestrictedRegions(config.platformExtras.TIKTOK_RESTRICTED_REGIONS ?? '');
  if (restricted.length === 0) return;
  if (!region) {
    throw validationFailed('Say where the TikTok account is registered', [
      {
        field: 'region',
        messages: ['region (ISO 3166-1 alpha-2, e.g. US) is required to connect TikTok'],
      },
    ]);
  }
  const code = region.toUpperCase();
  if (restricted.includes(code)) {
    throw new DomainError(
      'ACCOUNT_TYPE_NOT_SUPPORTED',
      `TikTok accounts registered in region ${code} cannot be connected: the region is restricted.`,
      { platform, region: code },
    );
  }
}
