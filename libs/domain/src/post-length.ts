import type { Platform } from './platform';

/**
 * The longest post (characters) an account may publish, by platform and account type. X
 * Premium and Business lift the 280-character limit; the others are per platform.
 */
const LIMITS: Record<Platform, (accountType: string) => number> = {
  x: (type) => (type === 'premium' || type === 'business' ? 25_000 : 280),
  facebook: () => 63_206,
  instagram: () => 2_200,
  threads: () => 500,
  tiktok: () => 4_000,
  linkedin: () => 3_000,
};

export function postLengthLimit(platform: Platform, accountType: string): number {
  return LIMITS[platform](accountType);
}
