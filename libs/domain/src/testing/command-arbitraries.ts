import fc from 'fast-check';
import { PLATFORMS, type Platform } from '../platform';
import { PLANS } from '../plan';
import type { WorkspaceCommand } from '../workspace/decide';

/** Random workspace commands over a small pool of ids, so they collide often. */
const connectionId = fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6');
const accountId = fc.constantFrom('a1', 'a2', 'a3', 'a4');
const platform = fc.constantFrom<Platform>(...PLATFORMS.filter((p) => p !== 'threads'));
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

export const workspaceCommand: fc.Arbitrary<(n: number) => WorkspaceCommand> = fc.oneof(
  fc.record({ connectionId, accountId, platform }).map((c) => (n: number): WorkspaceCommand => ({
    type: 'ConnectAccount',
    workspaceId: 'ws',
    connectionId: `${c.connectionId}-${n}`,
    platform: c.platform,
    account: {
      accountId: c.accountId,
      accountName: c.accountId,
      accountType: 'business',
      ...(c.platform === 'facebook' ? { pageRole: 'admin' as const } : {}),
    },
    scopes: [],
    tokenExpiresAt: null,
    now: at(n),
  })),
  fc.nat(12).map((k) => (n: number): WorkspaceCommand => ({
    type: 'SetMainAccount',
    workspaceId: 'ws',
    connectionId: `pick:${k}`,
    now: at(n),
  })),
  fc.nat(12).map((k) => (n: number): WorkspaceCommand => ({
    type: 'DisconnectAccount',
    workspaceId: 'ws',
    connectionId: `pick:${k}`,
    reason: 'test',
    now: at(n),
  })),
  fc.nat(12).map((k) => (n: number): WorkspaceCommand => ({
    type: 'MarkConnectionExpired',
    workspaceId: 'ws',
    connectionId: `pick:${k}`,
    reason: 'test',
    now: at(n),
  })),
  fc.nat(12).map((k) => (n: number): WorkspaceCommand => ({
    type: 'RestoreConnection',
    workspaceId: 'ws',
    connectionId: `pick:${k}`,
    reason: 'test',
    now: at(n),
  })),
  fc.constantFrom(...PLANS).map((plan) => (n: number): WorkspaceCommand => ({
    type: 'ChangePlan',
    workspaceId: 'ws',
    plan,
    now: at(n),
  })),
);
