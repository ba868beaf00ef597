/** The social platforms a workspace can connect accounts from. */
export const PLATFORMS = ['facebook', 'instagram', 'x', 'tiktok', 'linkedin', 'threads'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}
