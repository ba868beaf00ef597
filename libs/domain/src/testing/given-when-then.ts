import { DomainError, type DomainErrorCode } from '../errors';
import type { WorkspaceEvent } from '../events';
import type { Platform } from '../platform';
import { decide, type WorkspaceCommand } from '../workspace/decide';
import { foldWorkspace } from '../workspace/state';

/** given(events).when(command).then(events) / .thenRefused(code): the emmett style of tests. */
export function given(events: WorkspaceEvent[]) {
  return {
    when(command: WorkspaceCommand) {
      const run = () => decide(command, foldWorkspace(events));
      return {
        then(expected: WorkspaceEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRefused(code: DomainErrorCode, details?: Record<string, unknown>): DomainError {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          const error = caught as DomainError;
          expect(error.code).toBe(code);
          if (details) expect(error.details).toMatchObject(details);
          return error;
        },
      };
    },
  };
}

export const WS = 'ws-1';
export const T0 = '2026-01-01T00:00:00.000Z';
export const T1 = '2026-01-02T00:00:00.000Z';

let counter = 0;
/** A ConnectionConnected event with sensible defaults. */
export function connected(
  overrides: Partial<Extract<WorkspaceEvent, { type: 'ConnectionConnected' }>['data']> = {},
): Extract<WorkspaceEvent, { type: 'ConnectionConnected' }> {
  counter += 1;
  return {
    type: 'ConnectionConnected',
    data: {
      workspaceId: WS,
      connectionId: `c-${counter}`,
      platform: 'x',
      accountId: `acct-${counter}`,
      accountName: `Account ${counter}`,
      accountType: 'standard',
      scopes: ['tweet.read', 'users.read', 'offline.access'],
      tokenExpiresAt: null,
      copiedFrom: null,
      at: T0,
      ...overrides,
    },
  };
}

export function mainSet(
  connectionId: string,
  previousMainConnectionId: string | null = null,
  platform: Platform = 'x',
): Extract<WorkspaceEvent, { type: 'MainAccountSet' }> {
  return {
    type: 'MainAccountSet',
    data: { workspaceId: WS, connectionId, platform, previousMainConnectionId, at: T0 },
  };
}
