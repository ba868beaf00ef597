/** Instagram and TikTok publish only media: their publishers refuse text posts with these. */
export const INSTAGRAM_TEXT_ONLY_REASON =
  'Instagram needs an image or video; text-only posts cannot be published.';
export const TIKTOK_TEXT_ONLY_REASON =
  'TikTok needs a video or photos; text-only posts cannot be published.';
