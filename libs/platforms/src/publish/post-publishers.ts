import { TEXT_ONLY_REFUSALS, type Platform } from '@ledger/domain';
import { FacebookPostPublisher } from '../facebook/facebook-publish';
import { LinkedInPostPublisher } from '../linkedin/linkedin-publish';
import type { PlatformsConfig } from '../platform-config';
import { ThreadsPostPublisher } from '../threads/threads-publish';
import { XPostPublisher } from '../x/x-publish';
import { MediaRequiredPublisher, type PostPublisher } from './post-publisher';

export interface PostPublisherOptions {
  /** Per request to a platform; default 15 s. */
  timeoutMs?: number;
}

export const INSTAGRAM_TEXT_ONLY_REASON = TEXT_ONLY_REFUSALS.instagram;
export const TIKTOK_TEXT_ONLY_REASON = TEXT_ONLY_REFUSALS.tiktok;

/**
 * One publisher per platform, against each platform's configured API base. Instagram and
 * TikTok publish only media: scheduling refuses text posts on them (the domain's
 * MEDIA_REQUIRED), and their publishers still refuse, with a final reason, the posts
 * scheduled before that rule, which are still in the streams.
 */
export function postPublishers(
  config: PlatformsConfig,
  options: PostPublisherOptions = {},
): Map<Platform, PostPublisher> {
  const api = (platform: Platform) => config.platforms[platform].apiUrl;
  const timeoutMs = options.timeoutMs;
  return new Map<Platform, PostPublisher>([
    ['x', new XPostPublisher({ apiUrl: api('x'), timeoutMs })],
    ['facebook', new FacebookPostPublisher({ apiUrl: api('facebook'), timeoutMs })],
    ['threads', new ThreadsPostPublisher({ apiUrl: api('threads'), timeoutMs })],
    ['linkedin', new LinkedInPostPublisher({ apiUrl: api('linkedin'), timeoutMs })],
    ['instagram', new MediaRequiredPublisher('instagram', INSTAGRAM_TEXT_ONLY_REASON)],
    ['tiktok', new MediaRequiredPublisher('tiktok', TIKTOK_TEXT_ONLY_REASON)],
  ]);
}
