import fc from 'fast-check';
import { DomainError } from '../errors';
import type { WorkspaceEvent } from '../events';
import { accountLimit } from '../plan';
import { workspaceCommand } from '../testing/command-arbitraries';
import { decide, type WorkspaceCommand } from './decide';
import { evolve, initialWorkspaceState, type WorkspaceState } from './state';

/** Commands naming `pick:<k>` act on the k-th live connection (mod the count), if any. */
function resolve(command: WorkspaceCommand, state: WorkspaceState): WorkspaceCommand {
  const named = 'connectionId' in command ? command.connectionId : undefined;
  if (typeof named !== 'string' || !named.startsWith('pick:')) return command;
  const ids = Object.keys(state.connections).sort();
  const k = Number(named.slice(5));
  return {
    ...command,
    connectionId: ids.length > 0 ? ids[k % ids.length] : 'none',
  } as WorkspaceCommand;
}

describe('the workspace decider under random command sequences (fast-check)', () => {
  it('never breaks an invariant: one main per platform, the plan limit at connect time, versions only grow', () => {
    fc.assert(
      fc.property(fc.array(workspaceCommand, { minLength: 1, maxLength: 60 }), (builders) => {
        let state = initialWorkspaceState;
        builders.forEach((build, n) => {
          const command = resolve(build(n), state);
          let events: WorkspaceEvent[] = [];
          try {
            events = decide(command, state);
          } catch (error) {
            // A refusal is fine; anything else is a bug.
            expect(error).toBeInstanceOf(DomainError);
            return;
          }
          for (const event of events) {
            if (event.type === 'ConnectionConnected') {
              const limit = accountLimit(state.plan);
              const onPlatform = Object.values(state.connections).filter(
                (c) => c.platform === event.data.platform,
              );
              if (limit !== null) expect(onPlatform.length).toBeLessThan(limit);
              expect(onPlatform.some((c) => c.accountId === event.data.accountId)).toBe(false);
            }
            const before = state;
            state = evolve(state, event);
            for (const [id, c] of Object.entries(state.connections)) {
              const previous = before.connections[id];
              if (previous) expect(c.version).toBeGreaterThanOrEqual(previous.version);
            }
          }
          const mains = Object.values(state.connections).filter((c) => c.isMain);
          const platforms = mains.map((c) => c.platform);
          expect(new Set(platforms).size).toBe(platforms.length);
          if (command.type === 'DisconnectAccount' && events.length > 0) {
            expect(state.connections[command.connectionId]).toBeUndefined();
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
