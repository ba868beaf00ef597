import {
  accountLimit,
  connectionsOn,
  evolve,
  foldWorkspace,
  initialWorkspaceState,
  UNCONFIRMED_CLAIM_GRACE_MS,
  type Plan,
  type Platform,
  type WorkspaceCommand,
  type WorkspaceEvent,
} from '@ledger/domain';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type StreamEvent,
} from '@ledger/event-store';
import type { CommandContext } from '../command-context';
import { accountRefOf, connectWithClaim } from '../connect-with-claim';
import type { WorkspaceCommandResult } from '../workspace-commands';
import {
  claimState,
  connectCommand,
  contextFor,
  ManualClock,
  nodeOn,
  outcomes,
  tally,
  uniqueId,
  workspaceEvents,
  type Node,
} from '../testing/race-helpers';

/**
 * What a factory gives the suite: one or more clients of the SAME event store. Each client
 * becomes a "node" (its own WorkspaceCommands and AccountClaims, with their own caches), like
 * one API process; racing commands are spread over the nodes.
 */
export interface InvariantsFixture {
  stores: EventStore[];
  close(): Promise<void>;
}

const PLATFORM: Platform = 'x';

/**
 * The invariants of ARCHITECTURE.md ("Storage") and docs/decisions/0002 under racing commands:
 * one main per platform and workspace, the plan limit, one workspace per account (except by
 * copy). Every race fires its commands together (Promise.allSettled) and asserts exact counts
 * and the documented refusal codes. Ids are unique per test so a shared store can be used.
 */
export function describeInvariantsUnderConcurrency(
  name: string,
  factory: () => Promise<InvariantsFixture>,
): void {
  describe(`invariants under concurrency: ${name}`, () => {
    let fixture: InvariantsFixture;
    let clock: ManualClock;
    let nodes: Node[];
    let store: EventStore;

    beforeEach(async () => {
      fixture = await factory();
      clock = new ManualClock();
      nodes = fixture.stores.map((s) => nodeOn(s, clock));
      store = fixture.stores[0];
    });

    afterEach(async () => {
      await fixture.close();
    });

    const node = (i: number): Node => nodes[i % nodes.length];

    function connect(
      on: Node,
      workspaceId: string,
      accountId: string,
      context: CommandContext = contextFor(),
    ) {
      return connectWithClaim(
        on,
        connectCommand(workspaceId, PLATFORM, accountId, context, clock.now()),
        context,
      );
    }

    function execute(on: Node, command: WorkspaceCommand, context = contextFor()) {
      return on.workspaces.execute(command, context);
    }

    async function setPlan(workspaceId: string, plan: Plan): Promise<void> {
      await execute(node(0), { type: 'ChangePlan', workspaceId, plan, now: iso() });
    }

    async function disconnectAndRelease(on: Node, workspaceId: string, connectionId: string) {
      const context = contextFor();
      const { events } = await execute(
        on,
        { type: 'DisconnectAccount', workspaceId, connectionId, reason: 'test', now: iso() },
        context,
      );
      const [event] = events;
      if (event?.type !== 'ConnectionDisconnected') throw new Error('nothing disconnected');
      const { platform, accountId } = event.data;
      await on.claims.release({ platform, accountId, workspaceId, connectionId }, context);
    }

    async function finalState(workspaceId: string) {
      return foldWorkspace(await workspaceEvents(store, workspaceId));
    }

    async function holdersOf(accountId: string): Promise<string[]> {
      return Object.keys((await claimState(store, PLATFORM, accountId)).holders).sort();
    }

    const iso = () => clock.now().toISOString();
    const accountsNamed = (n: number) => Array.from({ length: n }, (_, i) => uniqueId(`a${i}-`));

    /** One main per platform: exactly one when the platform has connections, else none. */
    function expectOneMain(state: Awaited<ReturnType<typeof finalState>>): void {
      const onPlatform = connectionsOn(state, PLATFORM);
      expect(onPlatform.filter((c) => c.isMain)).toHaveLength(onPlatform.length > 0 ? 1 : 0);
    }

    /** Every MainAccountSet demotes exactly the main that stood before it. */
    function expectConsistentMainChain(events: WorkspaceEvent[]): number {
      let main: string | null = null;
      let sets = 0;
      for (const event of events) {
        if (event.type === 'ConnectionDisconnected' && event.data.wasMain) main = null;
        if (event.type !== 'MainAccountSet' || event.data.platform !== PLATFORM) continue;
        expect(event.data.previousMainConnectionId).toBe(main);
        expect(event.data.connectionId).not.toBe(main);
        main = event.data.connectionId;
        sets += 1;
      }
      return sets;
    }

    describe('1. plan limit: racing connects of different accounts', () => {
      it.each<[Plan, number]>([
        ['free', 1],
        ['starter', 3],
      ])('on %s, 10 racing connects: exactly %i win', async (plan, limit) => {
        const ws = uniqueId('ws-');
        if (plan !== 'free') await setPlan(ws, plan);
        const accounts = accountsNamed(10);

        const settled = await Promise.allSettled(accounts.map((a, i) => connect(node(i), ws, a)));

        const codes = outcomes(settled);
        expect(tally(codes)).toEqual({ ok: limit, PLAN_LIMIT_REACHED: 10 - limit });
        const events = await workspaceEvents(store, ws);
        expect(events.filter((e) => e.type === 'ConnectionConnected')).toHaveLength(limit);
        expect(events.filter((e) => e.type === 'MainAccountSet')).toHaveLength(1);
        const state = foldWorkspace(events);
        expect(connectionsOn(state, PLATFORM)).toHaveLength(limit);
        expectOneMain(state);

        // Winners hold their account here; losers' claims were released.
        const winners = accounts.filter((_, i) => codes[i] === 'ok');
        const losers = accounts.filter((_, i) => codes[i] !== 'ok');
        expect(connectionsOn(state, PLATFORM).map((c) => c.accountId)).toEqual(
          expect.arrayContaining(winners),
        );
        for (const a of winners) expect(await holdersOf(a)).toEqual([ws]);
        for (const a of losers) expect(await holdersOf(a)).toEqual([]);

        // So a loser's account connects in another workspace, a winner's does not.
        const other = uniqueId('ws-other-');
        await setPlan(other, 'enterprise');
        const again = await Promise.allSettled([
          ...losers.map((a, i) => connect(node(i), other, a)),
          connect(node(1), other, winners[0]),
        ]);
        expect(outcomes(again)).toEqual([...losers.map(() => 'ok'), 'ALREADY_CONNECTED_ELSEWHERE']);
      });
    });

    describe('2. main account: racing SetMainAccount', () => {
      it('20 racing set-mains over 3 connections leave exactly one main and a consistent chain', async () => {
        const ws = uniqueId('ws-');
        await setPlan(ws, 'starter');
        const ids: string[] = [];
        for (const account of accountsNamed(3)) {
          ids.push(connectedId(await connect(node(0), ws, account)));
        }

        const settled = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            execute(node(i), {
              type: 'SetMainAccount',
              workspaceId: ws,
              connectionId: ids[(i + 1) % 3],
              now: iso(),
            }),
          ),
        );

        expect(tally(outcomes(settled))).toEqual({ ok: 20 });
        const events = await workspaceEvents(store, ws);
        const sets = expectConsistentMainChain(events);
        // The first connection became main on connect; the race moved it at least once.
        expect(sets).toBeGreaterThanOrEqual(2);
        // Each accepted set-main either appended one event or changed nothing (already main).
        const appended = settled.filter(
          (s) => s.status === 'fulfilled' && s.value.events.length === 1,
        );
        expect(appended).toHaveLength(sets - 1);
        const state = foldWorkspace(events);
        expectOneMain(state);
        const lastSet = events.filter((e) => e.type === 'MainAccountSet').at(-1);
        expect(lastSet?.data.connectionId).toBe(
          connectionsOn(state, PLATFORM).find((c) => c.isMain)?.id,
        );
      });

      it('racing set-mains with disconnects of the main never leave two mains', async () => {
        const ws = uniqueId('ws-');
        await setPlan(ws, 'starter');
        const ids: string[] = [];
        for (const account of accountsNamed(3)) {
          ids.push(connectedId(await connect(node(0), ws, account)));
        }

        const settled = await Promise.allSettled<unknown>([
          ...Array.from({ length: 10 }, (_, i) =>
            execute(node(i), {
              type: 'SetMainAccount',
              workspaceId: ws,
              connectionId: ids[1 + (i % 2)],
              now: iso(),
            }),
          ),
          disconnectAndRelease(node(1), ws, ids[1]),
        ]);

        // A set-main of the disconnected connection decided after the disconnect is NOT_FOUND.
        for (const code of outcomes(settled)) expect(['ok', 'NOT_FOUND']).toContain(code);
        expect(outcomes(settled).at(-1)).toBe('ok');
        const events = await workspaceEvents(store, ws);
        expectConsistentMainChain(events);
        const state = foldWorkspace(events);
        expect(connectionsOn(state, PLATFORM)).toHaveLength(2);
        expect(connectionsOn(state, PLATFORM).filter((c) => c.isMain).length).toBeLessThanOrEqual(
          1,
        );
      });
    });

    describe('3. one workspace per account', () => {
      it('the same account connected into 5 workspaces at once: exactly one wins', async () => {
        const account = uniqueId('acct-');
        const workspaces = Array.from({ length: 5 }, () => uniqueId('ws-'));

        const settled = await Promise.allSettled(
          workspaces.map((ws, i) => connect(node(i), ws, account)),
        );

        const codes = outcomes(settled);
        expect(tally(codes)).toEqual({ ok: 1, ALREADY_CONNECTED_ELSEWHERE: 4 });
        const winner = workspaces[codes.indexOf('ok')];
        for (const ws of workspaces) {
          const connected = connectionsOn(await finalState(ws), PLATFORM);
          expect(connected.map((c) => c.accountId)).toEqual(ws === winner ? [account] : []);
        }
        expect(await holdersOf(account)).toEqual([winner]);

        // After the winner disconnects and releases, the others race again: one wins.
        const [connection] = connectionsOn(await finalState(winner), PLATFORM);
        await disconnectAndRelease(node(0), winner, connection.id);
        const others = workspaces.filter((ws) => ws !== winner);
        const again = await Promise.allSettled(
          others.map((ws, i) => connect(node(i), ws, account)),
        );
        expect(tally(outcomes(again))).toEqual({ ok: 1, ALREADY_CONNECTED_ELSEWHERE: 3 });
        const secondWinner = others[outcomes(again).indexOf('ok')];
        expect(await holdersOf(account)).toEqual([secondWinner]);
      });

      it('copy is the deliberate exception: a copy connects while the account is held', async () => {
        const account = uniqueId('acct-');
        const [source, target] = [uniqueId('ws-'), uniqueId('ws-')];
        const original = await connect(node(0), source, account);
        const context = contextFor();
        const copy = {
          ...connectCommand(target, PLATFORM, account, context, clock.now()),
          copiedFrom: { workspaceId: source, connectionId: connectedId(original) },
        };

        await expect(connectWithClaim(node(1), copy, context)).resolves.toBeDefined();
        await expect(connect(node(0), uniqueId('ws-'), account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
        expect(await holdersOf(account)).toEqual([source, target].sort());
      });

      it('the same account connected 5 times into one workspace: one connection, claim kept', async () => {
        const account = uniqueId('acct-');
        const ws = uniqueId('ws-');
        await setPlan(ws, 'enterprise');

        const settled = await Promise.allSettled(
          Array.from({ length: 5 }, (_, i) => connect(node(i), ws, account)),
        );

        expect(tally(outcomes(settled))).toEqual({ ok: 1, ALREADY_CONNECTED: 4 });
        const [connection, ...more] = connectionsOn(await finalState(ws), PLATFORM);
        expect(more).toEqual([]);
        // The refused attempts must not have taken the workspace's claim away from the winner.
        const { holders } = await claimState(store, PLATFORM, account);
        expect(holders[ws]?.connectionId).toBe(connection.id);
        await expect(connect(node(1), uniqueId('ws-'), account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
      });
    });

    describe('4. plan downgrade racing with connects', () => {
      it('every accepted connect was within the plan in force where it sits in the stream', async () => {
        for (let round = 0; round < 3; round++) {
          const ws = uniqueId('ws-');
          await setPlan(ws, 'enterprise');
          const accounts = accountsNamed(12);
          const downgradeAt = 3 + round * 3;

          const settled = await Promise.allSettled(
            accounts.flatMap((a, i) => {
              const connecting = connect(node(i), ws, a);
              if (i !== downgradeAt) return [connecting];
              const downgrade = execute(node(i + 1), {
                type: 'ChangePlan',
                workspaceId: ws,
                plan: 'free',
                now: iso(),
              });
              return [downgrade, connecting];
            }),
          );

          const codes = outcomes(settled);
          expect(codes[downgradeAt]).toBe('ok');
          const connectCodes = codes.filter((_, i) => i !== downgradeAt);
          for (const code of connectCodes) expect(['ok', 'PLAN_LIMIT_REACHED']).toContain(code);

          // Replay: at each ConnectionConnected, the connections before it were under the limit
          // of the plan in force at that point of the stream.
          const events = await workspaceEvents(store, ws);
          let state = initialWorkspaceState;
          let connected = 0;
          for (const event of events) {
            if (event.type === 'ConnectionConnected') {
              const limit = accountLimit(state.plan);
              const before = connectionsOn(state, event.data.platform).length;
              if (limit !== null) expect(before).toBeLessThan(limit);
              connected += 1;
            }
            state = evolve(state, event);
          }
          expect(connected).toBe(connectCodes.filter((c) => c === 'ok').length);
          expect(state.plan).toBe('free');
          expectOneMain(state);
          // The downgrade kept what was connected; a new connect is refused.
          expect(connectionsOn(state, PLATFORM)).toHaveLength(connected);
          await expect(connect(node(0), ws, uniqueId('late-'))).rejects.toMatchObject({
            code: 'PLAN_LIMIT_REACHED',
            details: { plan: 'free', limit: 1, platform: PLATFORM },
          });
          // Refused connects released their claims.
          for (const [i, a] of accounts.entries()) {
            const code = connectCodes[i];
            expect(await holdersOf(a)).toEqual(code === 'ok' ? [ws] : []);
          }
        }
      });
    });

    describe('5. a crash between claim and connect', () => {
      it('blocks others while the claim is fresh and frees the account after the grace period', async () => {
        const account = uniqueId('acct-');
        const [crashed, second, third] = [uniqueId('ws-'), uniqueId('ws-'), uniqueId('ws-')];
        // The process claims, then dies before recording the connection.
        await node(0).claims.claim(
          { platform: PLATFORM, accountId: account, workspaceId: crashed, connectionId: 'c-lost' },
          'oauth',
          contextFor(),
        );

        await expect(connect(node(1), second, account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
        clock.advance(UNCONFIRMED_CLAIM_GRACE_MS);
        await expect(connect(node(1), second, account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
        clock.advance(1);
        // Past the grace period, racing workspaces still serialise: exactly one takes it.
        const settled = await Promise.allSettled(
          [second, third].map((ws, i) => connect(node(i), ws, account)),
        );
        expect(tally(outcomes(settled))).toEqual({ ok: 1, ALREADY_CONNECTED_ELSEWHERE: 1 });
        const winner = [second, third][outcomes(settled).indexOf('ok')];

        // A claim whose connection exists never goes stale.
        clock.advance(10 * UNCONFIRMED_CLAIM_GRACE_MS);
        await expect(connect(node(0), uniqueId('ws-'), account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
        const [connection] = connectionsOn(await finalState(winner), PLATFORM);
        expect(connection.accountId).toBe(account);
      });
    });

    describe('6. retries are bounded and idempotent', () => {
      it('the same ConnectAccount executed again with the same commandId is refused ALREADY_CONNECTED, appends nothing and keeps the claim', async () => {
        const account = uniqueId('acct-');
        const ws = uniqueId('ws-');
        const context = contextFor();
        const first = await connect(node(0), ws, account, context);
        expect(first.events.map((e) => e.type)).toEqual(['ConnectionConnected', 'MainAccountSet']);

        await expect(connect(node(1), ws, account, context)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED',
        });

        expect((await workspaceEvents(store, ws)).map((e) => e.type)).toEqual([
          'ConnectionConnected',
          'MainAccountSet',
        ]);
        expect(await holdersOf(account)).toEqual([ws]);
        await expect(connect(node(0), uniqueId('ws-'), account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
      });

      it('concurrent executions of one command (same commandId) record it once', async () => {
        const account = uniqueId('acct-');
        const ws = uniqueId('ws-');
        const context = contextFor();
        const command = connectCommand(ws, PLATFORM, account, context, clock.now());

        const settled = await Promise.allSettled(
          Array.from({ length: 4 }, (_, i) => node(i).workspaces.execute(command, context)),
        );

        // Either the store recognised the duplicate append as a retry (same deterministic ids:
        // the caller gets the original result), or the duplicate reloaded and was refused.
        const codes = outcomes(settled);
        for (const code of codes) expect(['ok', 'ALREADY_CONNECTED']).toContain(code);
        expect(codes).toContain('ok');
        expect((await workspaceEvents(store, ws)).map((e) => e.type)).toEqual([
          'ConnectionConnected',
          'MainAccountSet',
        ]);
      });

      it('one commandId connecting several accounts (one OAuth callback) records each of them', async () => {
        const ws = uniqueId('ws-');
        await setPlan(ws, 'starter');
        const context = contextFor();
        const accounts = accountsNamed(3);
        for (const account of accounts) await connect(node(0), ws, account, context);

        const state = await finalState(ws);
        expect(
          connectionsOn(state, PLATFORM)
            .map((c) => c.accountId)
            .sort(),
        ).toEqual([...accounts].sort());
        for (const account of accounts) expect(await holdersOf(account)).toEqual([ws]);
      });

      it('a request retried with the same commandId after a refusal claims the account again', async () => {
        const account = uniqueId('acct-');
        const ws = uniqueId('ws-');
        await connect(node(0), ws, uniqueId('first-'));
        const context = contextFor();

        await expect(connect(node(0), ws, account, context)).rejects.toMatchObject({
          code: 'PLAN_LIMIT_REACHED',
        });
        expect(await holdersOf(account)).toEqual([]);
        await setPlan(ws, 'starter');
        await connect(node(1), ws, account, context);

        expect(await holdersOf(account)).toEqual([ws]);
        await expect(connect(node(0), uniqueId('ws-'), account)).rejects.toMatchObject({
          code: 'ALREADY_CONNECTED_ELSEWHERE',
        });
      });

      it('a SetMainAccount executed again with the same commandId changes nothing', async () => {
        const ws = uniqueId('ws-');
        await setPlan(ws, 'starter');
        await connect(node(0), ws, uniqueId('main-'));
        const second = await connect(node(0), ws, uniqueId('other-'));
        const connectionId = connectedId(second);
        const context = contextFor();
        const setMain = { type: 'SetMainAccount' as const, workspaceId: ws, connectionId };

        const once = await execute(node(0), { ...setMain, now: iso() }, context);
        const twice = await execute(node(1), { ...setMain, now: iso() }, context);

        expect(once.events).toHaveLength(1);
        expect(twice.events).toEqual([]);
        expect(twice.position).toBeNull();
        expect(
          (await workspaceEvents(store, ws)).filter((e) => e.type === 'MainAccountSet'),
        ).toHaveLength(2);
      });

      it('retries on conflict stop after 20 attempts, in both command services', async () => {
        const ws = uniqueId('ws-');
        const conflicting = new AlwaysConflicting(store);
        const stuck = nodeOn(conflicting, clock);
        const context = contextFor();
        const command = connectCommand(ws, PLATFORM, uniqueId('acct-'), context, clock.now());

        await expect(stuck.workspaces.execute(command, context)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(conflicting.appends).toBe(20);

        conflicting.appends = 0;
        await expect(
          stuck.claims.claim(accountRefOf(command), 'oauth', context),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(conflicting.appends).toBe(20);
        expect(await workspaceEvents(store, ws)).toEqual([]);
      });
    });
  });
}

function connectedId(result: WorkspaceCommandResult): string {
  const connected = result.events.find((e) => e.type === 'ConnectionConnected');
  if (!connected) throw new Error('no connection was recorded');
  return connected.data.connectionId;
}

/** A store whose every append meets a conflict: someone always appended first. */
class AlwaysConflicting implements EventStore {
  appends = 0;

  constructor(private readonly inner: EventStore) {}

  append(
    streamId: string,
    _events: EventToAppend<StreamEvent>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    this.appends += 1;
    return Promise.reject(new WrongExpectedRevisionError(streamId, expected, 99));
  }

  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readAll: EventStore['readAll'] = (...args) => this.inner.readAll(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  close = (): Promise<void> => Promise.resolve();
}
