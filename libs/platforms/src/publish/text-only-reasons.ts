import { TEXT_ONLY_REFUSALS } from '@ledger/domain';

/**
 * Instagram and TikTok publish only media: scheduling refuses text posts on them (the
 * domain's MEDIA_REQUIRED), and their publishers still refuse, with these final reasons, the
 * posts scheduled before that rule, which are still in the streams.
 */
export const INSTAGRAM_TEXT_ONLY_REASON = TEXT_ONLY_REFUSALS.instagram;
export const TIKTOK_TEXT_ONLY_REASON = TEXT_ONLY_REFUSALS.tiktok;
