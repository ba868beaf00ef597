import { DomainError } from '../errors';
import type { Platform } from '../platform';

/**
 * Platforms that publish nothing without an image or video, with what the user is told. Posts
 * carry text only, so a post on these is refused when it is scheduled: refused at publish time
 * instead, the user would learn it hours later from a failed post.
 */
export const TEXT_ONLY_REFUSALS = {
  instagram: 'Instagram needs an image or video; text-only posts cannot be published.',
  tiktok: 'TikTok needs a video or photos; text-only posts cannot be published.',
} as const satisfies Partial<Record<Platform, string>>;

export function requiresMedia(platform: Platform): platform is keyof typeof TEXT_ONLY_REFUSALS {
  return Object.hasOwn(TEXT_ONLY_REFUSALS, platform);
}

/** Refuses a text-only post on a platform that needs media (MEDIA_REQUIRED, 422). */
export function refuseTextOnlyPost(platform: Platform): void {
  if (!requiresMedia(platform)) return;
  throw new DomainError('MEDIA_REQUIRED', TEXT_ONLY_REFUSALS[platform], { platform });
}
