import { randomBytes } from 'node:crypto';
import type { Platform } from '@ledger/domain';
import type { CompletedOAuth, OAuthIntent, PlatformAccount } from '@ledger/platforms';

/**
 * What OAuthFlows.complete hands over after a platform's consent, built directly: the units
 * after the callback start from it, so they are tested without a browser at the platform.
 */
export function completedOAuth(input: {
  platform: Platform;
  workspaceId: string;
  userId?: string;
  intent?: OAuthIntent;
  identities: PlatformAccount[];
}): CompletedOAuth {
  const now = new Date();
  return {
    pending: {
      state: randomBytes(32).toString('base64url'),
      platform: input.platform,
      userId: input.userId ?? 'user-1',
      workspaceId: input.workspaceId,
      intent: input.intent ?? { kind: 'connect' },
      createdAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
      actor: { role: 'owner', ip: '203.0.113.9', userAgent: 'jest' },
    },
    tokens: {
      accessToken: `access-${randomBytes(8).toString('hex')}`,
      refreshToken: `refresh-${randomBytes(8).toString('hex')}`,
      expiresIn: 7200,
      expiresAt: new Date(now.getTime() + 7_200_000),
      scope: ['tweet.read', 'users.read'],
      tokenType: 'bearer',
    },
    identities: input.identities,
  };
}

export const account = (id: string, extra: Partial<PlatformAccount> = {}): PlatformAccount => ({
  accountId: id,
  accountName: `account-${id}`,
  accountType: 'standard',
  ...extra,
});
