import { DomainError } from '../errors';
import type { Platform } from '../platform';

export const FACEBOOK_PAGE_ROLES = [
  'admin',
  'editor',
  'moderator',
  'advertiser',
  'analyst',
  'none',
] as const;

/** What the user may do on a Facebook Page, as the platform says (its `tasks`). */
export type FacebookPageRole = (typeof FACEBOOK_PAGE_ROLES)[number];

export function isFacebookPageRole(value: unknown): value is FacebookPageRole {
  return FACEBOOK_PAGE_ROLES.includes(value as FacebookPageRole);
}

const ROLE_NAMES: Record<Exclude<FacebookPageRole, 'admin' | 'none'>, string> = {
  editor: 'an Editor',
  moderator: 'a Moderator',
  advertiser: 'an Advertiser',
  analyst: 'an Analyst',
};

/** Why this user cannot connect the Page, in the product's words; null for an admin. */
export function pageAdminRefusal(role: FacebookPageRole | undefined): string | null {
  if (role === 'admin') return null;
  const who =
    role === undefined || role === 'none'
      ? 'Facebook does not list you as an admin of this Page'
      : `You are ${ROLE_NAMES[role]} on this Page`;
  return `${who}: only Page admins can connect it. Ask an admin of the Page to connect it, or to give you full control of the Page, then connect again.`;
}

/**
 * Only a Page admin may connect a Facebook Page (ARCHITECTURE.md): the connect carries the
 * platform's verdict (the user's role on the Page) and is refused without the admin role,
 * the verdict missing included.
 */
export function refuseUnlessPageAdmin(
  platform: Platform,
  account: { accountName: string; pageRole?: FacebookPageRole },
): void {
  if (platform !== 'facebook') return;
  const refusal = pageAdminRefusal(account.pageRole);
  if (refusal === null) return;
  throw new DomainError('INSUFFICIENT_PERMISSIONS', refusal, {
    platform,
    accountName: account.accountName,
  });
}
