import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseKeeper, type LeaseSignal } from '../lease-keeper';
import type { Lease, LeaseStore } from '../lease-store.port';
import { ManualClock, SeverableLeaseStore, gate, waitFor } from '../testing/lease-test-kit';

export interface OpenedLeaseStore {
  store: LeaseStore;
  /** A second instance on the same database, as another worker process would open it. */
  openAnother(): Promise<LeaseStore>;
  close(): Promise<void>;
}

const SECOND = 1_000;
const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

/**
 * The behaviour every LeaseStore adapter must have, and LeaseKeeper on top of it; each
 * adapter's spec runs it against a real store (a SQLite file on disk, FerretDB over the wire).
 * Store operations take their time as an argument and the keepers an injected clock, so
 * expiry comes from moving time, never from sleeping; only renewal and retry intervals are
 * real (a few milliseconds).
 */
export function leaseStoreContract(label: string, open: () => Promise<OpenedLeaseStore>) {
  describe(`${label} (LeaseStore contract)`, () => {
    let opened: OpenedLeaseStore;
    let store: LeaseStore;
    let other: LeaseStore;
    let n = 0;
    /** A name no other test uses, shaped like the real ones. */
    const fresh = (kind = 'job') => {
      n += 1;
      return `${kind}:test-${n}-${Math.random().toString(36).slice(2)}`;
    };

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
      other = await opened.openAnother();
    });
    afterAll(() => opened?.close());

    describe('store', () => {
      it('grants a free name to one holder, with token 1 and expiry now + ttl', async () => {
        const name = fresh('projection');
        const lease = await store.acquire(name, 'worker-a', 30 * SECOND, at(0));
        expect(lease).toEqual({
          name,
          holder: 'worker-a',
          token: 1,
          expiresAt: at(30 * SECOND),
        });
      });

      it('refuses everyone, the holder too, while an unexpired lease is held', async () => {
        const name = fresh();
        await store.acquire(name, 'worker-a', 30 * SECOND, at(0));
        expect(await store.acquire(name, 'worker-b', 30 * SECOND, at(1))).toBeNull();
        expect(await other.acquire(name, 'worker-b', 30 * SECOND, at(29_999))).toBeNull();
        expect(await store.acquire(name, 'worker-a', 30 * SECOND, at(1))).toBeNull();
      });

      it('keeps names apart, including names that merely look alike', async () => {
        const name = fresh('refresh');
        const a = await store.acquire(name, 'w', SECOND, at(0));
        const b = await store.acquire(`${name}x`, 'w', SECOND, at(0));
        const c = await store.acquire(`${name}"`, 'w', SECOND, at(0));
        expect([a?.token, b?.token, c?.token]).toEqual([1, 1, 1]);
      });

      it('lets exactly one of 20 racing acquirers win through two instances (two processes)', async () => {
        const name = fresh('job');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : other).acquire(name, `worker-${i}`, 30 * SECOND, at(i)),
          ),
        );
        const winners = results.filter((lease): lease is Lease => lease !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0].token).toBe(1);
        // Both instances see the winner's lease.
        expect(await store.acquire(name, 'late', 30 * SECOND, at(100))).toBeNull();
        expect(await other.acquire(name, 'late', 30 * SECOND, at(100))).toBeNull();
        expect(await other.renew(winners[0], 30 * SECOND, at(100))).toMatchObject({
          holder: winners[0].holder,
          token: 1,
        });
      });

      it('never lets two racers in, over many rounds of takeovers after expiry', async () => {
        const names = Array.from({ length: 8 }, () => fresh('refresh'));
        for (let round = 0; round < 4; round += 1) {
          // Each round starts after the previous round's leases (ttl 1 s) expired.
          const now = at(round * 2 * SECOND);
          const races = await Promise.all(
            names.map((name) =>
              Promise.all(
                Array.from({ length: 4 }, (_, i) =>
                  (i % 2 === 0 ? store : other).acquire(name, `w${i}`, SECOND, now),
                ),
              ),
            ),
          );
          for (const race of races) {
            const won = race.filter((lease) => lease !== null);
            expect(won).toHaveLength(1);
            expect(won[0]?.token).toBe(round + 1);
          }
        }
      });

      it('lets another take over once the lease expires, with a higher token', async () => {
        const name = fresh();
        const first = await store.acquire(name, 'worker-a', 10 * SECOND, at(0));
        expect(await other.acquire(name, 'worker-b', 10 * SECOND, at(10 * SECOND - 1))).toBeNull();
        // Expired exactly at expiresAt.
        const second = await other.acquire(name, 'worker-b', 10 * SECOND, at(10 * SECOND));
        expect(second).toEqual({
          name,
          holder: 'worker-b',
          token: 2,
          expiresAt: at(20 * SECOND),
        });
        expect(second!.token).toBeGreaterThan(first!.token);
      });

      it('refuses renewal by the old holder after a takeover, and its release frees nothing', async () => {
        const name = fresh();
        const old = (await store.acquire(name, 'worker-a', 10 * SECOND, at(0)))!;
        const taken = (await other.acquire(name, 'worker-b', 10 * SECOND, at(11 * SECOND)))!;
        // The old holder's clock may lag: even "before its expiry" it is no longer current.
        expect(await store.renew(old, 10 * SECOND, at(5 * SECOND))).toBeNull();
        expect(await store.renew(old, 10 * SECOND, at(12 * SECOND))).toBeNull();
        await store.release(old);
        expect(await store.acquire(name, 'worker-c', 10 * SECOND, at(12 * SECOND))).toBeNull();
        expect(await other.renew(taken, 10 * SECOND, at(12 * SECOND))).toMatchObject({
          holder: 'worker-b',
          token: 2,
          expiresAt: at(22 * SECOND),
        });
      });

      it('renews only for the current holder, token and an unexpired lease, keeping the token', async () => {
        const name = fresh();
        const lease = (await store.acquire(name, 'worker-a', 10 * SECOND, at(0)))!;
        const renewed = await other.renew(lease, 10 * SECOND, at(8 * SECOND));
        expect(renewed).toEqual({ ...lease, expiresAt: at(18 * SECOND) });
        // The renewal moved the expiry: nobody may acquire at the old one.
        expect(await store.acquire(name, 'worker-b', SECOND, at(12 * SECOND))).toBeNull();
        expect(await store.renew({ ...lease, holder: 'impostor' }, SECOND, at(12 * SECOND))).toBe(
          null,
        );
        expect(await store.renew({ ...lease, token: 2 }, SECOND, at(12 * SECOND))).toBeNull();
        // Past the expiry, even with nobody else around, renewal is refused.
        expect(await store.renew(renewed!, 10 * SECOND, at(18 * SECOND))).toBeNull();
        expect(await store.acquire(name, 'worker-b', SECOND, at(18 * SECOND))).toMatchObject({
          token: 2,
        });
      });

      it('frees the name on release, for an acquire at once with the next token', async () => {
        const name = fresh();
        const first = (await store.acquire(name, 'worker-a', 60 * SECOND, at(0)))!;
        await store.release(first);
        expect(await store.renew(first, 60 * SECOND, at(1))).toBeNull();
        const second = (await other.acquire(name, 'worker-b', 60 * SECOND, at(1)))!;
        expect(second.token).toBe(2);
        // A second release of the old lease is a no-op; the new one stays held.
        await store.release(first);
        expect(await store.acquire(name, 'worker-c', 60 * SECOND, at(2))).toBeNull();
        await other.release(second);
        await other.release(second);
        expect((await store.acquire(name, 'worker-c', 60 * SECOND, at(3)))?.token).toBe(3);
      });

      it('hands out strictly increasing tokens over releases, expiries and renewals', async () => {
        const name = fresh();
        const tokens: number[] = [];
        let now = 0;
        for (let i = 0; i < 6; i += 1) {
          const lease = (await (i % 2 ? other : store).acquire(name, `w${i}`, SECOND, at(now)))!;
          tokens.push(lease.token);
          const renewed = (await store.renew(lease, SECOND, at(now + 500)))!;
          if (i % 3 === 0) await other.release(renewed);
          now += 2 * SECOND; // the others simply expire
        }
        expect(tokens).toEqual([1, 2, 3, 4, 5, 6]);
      });

      it('lets exactly one of racing release-then-acquire and acquire calls hold it', async () => {
        const name = fresh();
        const held = (await store.acquire(name, 'worker-a', 60 * SECOND, at(0)))!;
        const results = await Promise.all([
          store.release(held).then(() => null),
          ...Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? store : other).acquire(name, `w${i}`, 60 * SECOND, at(1)),
          ),
        ]);
        const winners = results.filter((lease) => lease !== null);
        expect(winners.length).toBeLessThanOrEqual(1);
        if (winners.length === 1) expect(winners[0]?.token).toBe(2);
      });

      it('takes over at once, with the next token, a lease whose holder is gone; the dead holder can neither renew nor release it', async () => {
        const name = fresh('projection');
        const dead = (await store.acquire(name, 'crashed-worker', 60 * SECOND, at(0)))!;
        const asked: string[] = [];
        const isGone = (holder: string) => {
          asked.push(holder);
          return holder === 'crashed-worker';
        };
        const taken = await other.acquire(name, 'restarted-worker', 60 * SECOND, at(SECOND), {
          holderIsGone: isGone,
        });
        expect(taken).toEqual({
          name,
          holder: 'restarted-worker',
          token: 2,
          expiresAt: at(61 * SECOND),
        });
        expect(asked).toEqual(['crashed-worker']);
        expect(await store.renew(dead, 60 * SECOND, at(2 * SECOND))).toBeNull();
        await store.release(dead);
        expect(await store.acquire(name, 'third', 60 * SECOND, at(3 * SECOND))).toBeNull();
        expect(await other.renew(taken!, 60 * SECOND, at(3 * SECOND))).toMatchObject({ token: 2 });
      });

      it('leaves a live holder its lease, whatever the acquirer asks, and never asks about a free name', async () => {
        const name = fresh('projection');
        const asked: string[] = [];
        const isGone = (holder: string) => {
          asked.push(holder);
          return holder === 'someone-dead';
        };
        const lease = (await store.acquire(name, 'alive', 60 * SECOND, at(0), {
          holderIsGone: isGone,
        }))!;
        expect(asked).toEqual([]);
        expect(
          await other.acquire(name, 'b', 60 * SECOND, at(1), { holderIsGone: isGone }),
        ).toBeNull();
        expect(asked).toEqual(['alive']);
        await store.release(lease);
        const next = await other.acquire(name, 'b', 60 * SECOND, at(2), { holderIsGone: isGone });
        expect(next?.token).toBe(2);
        expect(asked).toEqual(['alive']);
      });

      it("lets exactly one of 20 racers on two instances take over a dead holder's lease", async () => {
        const name = fresh('projection');
        await store.acquire(name, 'crashed-worker', 60 * SECOND, at(0));
        const holderIsGone = (holder: string) => holder === 'crashed-worker';
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : other).acquire(name, `w${i}`, 60 * SECOND, at(1), {
              holderIsGone,
            }),
          ),
        );
        const winners = results.filter((lease): lease is Lease => lease !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0].token).toBe(2);
        expect(await store.acquire(name, 'late', 60 * SECOND, at(2), { holderIsGone })).toBeNull();
      });

      it('refuses a nonsensical ttl, name, holder or time', async () => {
        await expect(store.acquire(fresh(), 'w', 0, at(0))).rejects.toThrow(RangeError);
        await expect(store.acquire(fresh(), 'w', Number.NaN, at(0))).rejects.toThrow(RangeError);
        await expect(store.acquire('', 'w', SECOND, at(0))).rejects.toThrow(RangeError);
        await expect(store.acquire(fresh(), '', SECOND, at(0))).rejects.toThrow(RangeError);
        await expect(store.acquire(fresh(), 'w', SECOND, new Date(Number.NaN))).rejects.toThrow(
          RangeError,
        );
        const lease = (await store.acquire(fresh(), 'w', SECOND, at(0)))!;
        await expect(store.renew(lease, -1, at(0))).rejects.toThrow(RangeError);
      });
    });

    describe('LeaseKeeper', () => {
      const TTL = 30 * SECOND;

      it('runs the work of exactly one of two workers at a time, then releases', async () => {
        const name = fresh('job');
        const clock = new ManualClock(T0);
        const a = new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 });
        const b = new LeaseKeeper(other, { holder: 'worker-b', clock, renewEveryMs: 10 });
        const inside = gate();
        let running = 0;
        let maxRunning = 0;
        const work = (id: string) => async (signal: LeaseSignal) => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await inside.promise;
          running -= 1;
          return { id, token: signal.token, lost: signal.lost };
        };
        const first = a.runExclusively(name, TTL, work('a'));
        await waitFor(() => running === 1, 'the first worker to start');
        expect(await b.runExclusively(name, TTL, work('b'))).toEqual({ ran: false });
        inside.open();
        expect(await first).toEqual({
          ran: true,
          value: { id: 'a', token: 1, lost: false },
          token: 1,
          lost: false,
        });
        // Released at the end: the other worker gets it at once, with the next token.
        expect(await b.runExclusively(name, TTL, work('b'))).toMatchObject({
          ran: true,
          value: { id: 'b', token: 2 },
        });
        expect(maxRunning).toBe(1);
      });

      it('lets exactly one of many keepers on two instances run the work', async () => {
        const name = fresh('refresh');
        const clock = new ManualClock(T0);
        const inside = gate();
        let ran = 0;
        const outcomes = Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            new LeaseKeeper(i % 2 ? store : other, {
              holder: `worker-${i}`,
              clock,
              renewEveryMs: 10,
            }).runExclusively(name, TTL, async () => {
              ran += 1;
              await inside.promise;
            }),
          ),
        );
        await waitFor(() => ran === 1, 'one worker to start');
        await sleep(30);
        inside.open();
        expect((await outcomes).filter((o) => o.ran)).toHaveLength(1);
        expect(ran).toBe(1);
      });

      it('renews in the background, so long work keeps its lease as time passes', async () => {
        const name = fresh('job');
        const clock = new ManualClock(T0);
        const a = new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 });
        const b = new LeaseKeeper(other, { holder: 'worker-b', clock, renewEveryMs: 10 });
        const done = gate();
        let signal: LeaseSignal | undefined;
        const running = a.runExclusively(name, TTL, async (s) => {
          signal = s;
          await done.promise;
          return s.lost;
        });
        await waitFor(() => signal !== undefined, 'the work to start');
        // Three ttls pass, in steps shorter than the ttl, each followed by a renewal.
        for (let step = 0; step < 6; step += 1) {
          clock.advance(TTL / 2);
          const expected = clock.now().getTime() + TTL;
          await waitFor(
            () => signal!.lease.expiresAt.getTime() === expected,
            'a renewal at the new time',
          );
          expect(await b.runExclusively(name, TTL, async () => 'b')).toEqual({ ran: false });
        }
        expect(signal!.lost).toBe(false);
        expect(signal!.token).toBe(1);
        done.open();
        expect(await running).toMatchObject({ ran: true, value: false, lost: false });
      });

      it('hands over to the second worker when the first stops renewing (a crash), and tells the first it lost', async () => {
        const name = fresh('refresh');
        const clock = new ManualClock(T0);
        const severable = new SeverableLeaseStore(store);
        const a = new LeaseKeeper(severable, { holder: 'worker-a', clock, renewEveryMs: 10 });
        const b = new LeaseKeeper(other, { holder: 'worker-b', clock, renewEveryMs: 10 });
        const aDone = gate();
        let aSignal: LeaseSignal | undefined;
        const aRun = a.runExclusively(name, TTL, async (signal) => {
          aSignal = signal;
          await aDone.promise;
          return signal.lost;
        });
        await waitFor(() => aSignal !== undefined, 'worker a to start');
        // Worker a freezes: its renewals fail from now on.
        severable.down = true;
        const renewsBefore = severable.calls.filter((c) => c === 'renew').length;
        await waitFor(
          () => severable.calls.filter((c) => c === 'renew').length > renewsBefore,
          'a failed renewal',
        );
        // Riding out a failing store does not give the lease up before its expiry...
        expect(aSignal!.lost).toBe(false);
        clock.advance(aSignal!.lease.expiresAt.getTime() - clock.now().getTime() - 1);
        expect(await b.runExclusively(name, TTL, async () => 'b')).toEqual({ ran: false });
        // ...but at the expiry worker b takes over with a higher token, and a knows it lost.
        clock.advance(1);
        const bRun = await b.runExclusively(name, TTL, async (signal) => {
          expect(aSignal!.lost).toBe(true);
          return signal.token;
        });
        expect(bRun).toMatchObject({ ran: true, value: 2 });
        expect(aSignal!.reason).toBe('expired');
        expect(aSignal!.abortSignal.aborted).toBe(true);
        expect(() => aSignal!.throwIfLost()).toThrow(/lost \(expired\)/);
        // Worker a comes back: its lease stays lost, and its release frees nothing.
        severable.down = false;
        aDone.open();
        expect(await aRun).toMatchObject({ ran: true, value: true, lost: true });
      });

      it('marks the work lost when a renewal is refused after another took over', async () => {
        const name = fresh('job');
        const clock = new ManualClock(T0);
        const a = new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 });
        const aDone = gate();
        let aSignal: LeaseSignal | undefined;
        const aRun = a.runExclusively(name, TTL, async (signal) => {
          aSignal = signal;
          await aDone.promise;
        });
        await waitFor(() => aSignal !== undefined, 'worker a to start');
        // Another worker's clock runs ahead: it sees the lease expired and takes it.
        const taken = await other.acquire(name, 'worker-b', TTL, new Date(T0 + 2 * TTL));
        expect(taken?.token).toBe(2);
        await waitFor(() => aSignal!.lost, 'worker a to notice');
        expect(aSignal!.reason).toBe('renewal-refused');
        aDone.open();
        expect(await aRun).toMatchObject({ ran: true, lost: true });
        // Its release at the end left b's lease alone.
        expect(await store.acquire(name, 'worker-c', TTL, new Date(T0 + 2 * TTL + 1))).toBeNull();
      });

      it('releases when the work throws, and rethrows', async () => {
        const name = fresh('job');
        const clock = new ManualClock(T0);
        const a = new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 });
        await expect(
          a.runExclusively(name, TTL, async () => {
            throw new Error('work failed');
          }),
        ).rejects.toThrow('work failed');
        expect((await other.acquire(name, 'worker-b', TTL, clock.now()))?.token).toBe(2);
      });

      describe('holdWhileRunning', () => {
        /** A singleton worker: counts how often its work started and whether it runs. */
        function worker(keeper: LeaseKeeper, name: string) {
          const events: string[] = [];
          let signal: LeaseSignal | undefined;
          const holding = keeper.holdWhileRunning(
            name,
            (s) => {
              signal = s;
              events.push(`acquired ${s.token}`);
            },
            (s) => {
              events.push(`lost ${s.token} ${s.reason}`);
              signal = undefined;
            },
            { ttlMs: TTL, retryEveryMs: 10 },
          );
          return {
            events,
            holding,
            get signal() {
              return signal;
            },
            /** Running now: started, and not lost by its own clock. */
            get active() {
              return signal !== undefined && !signal.lost;
            },
          };
        }

        /** Until a call of `operation` began and ended after this point (two more began). */
        async function aWholeCall(store: SeverableLeaseStore, operation: string) {
          const count = () => store.calls.filter((call) => call === operation).length;
          const before = count();
          await waitFor(() => count() >= before + 2, `another ${operation}`);
        }

        /** Until the holder renewed its lease at the clock's time. */
        async function renewedAtNow(w: ReturnType<typeof worker>, clock: ManualClock) {
          const expected = clock.now().getTime() + TTL;
          await waitFor(
            () => w.signal?.lease.expiresAt.getTime() === expected,
            'a renewal at the new time',
          );
        }

        it('runs one of two singletons; the standby takes over when the holder dies', async () => {
          const name = fresh('projection');
          const clock = new ManualClock(T0);
          const severable = new SeverableLeaseStore(store);
          const bStore = new SeverableLeaseStore(other);
          const a = worker(
            new LeaseKeeper(severable, { holder: 'worker-a', clock, renewEveryMs: 10 }),
            name,
          );
          await waitFor(() => a.active, 'worker a to start');
          const b = worker(
            new LeaseKeeper(bStore, { holder: 'worker-b', clock, renewEveryMs: 10 }),
            name,
          );
          // The standby keeps retrying and keeps failing while a renews.
          for (let i = 0; i < 5; i += 1) {
            clock.advance(TTL / 3);
            await renewedAtNow(a, clock);
            await aWholeCall(bStore, 'acquire');
            expect([a.active, b.active]).toEqual([true, false]);
          }
          // Worker a dies: no more renewals. Once one failed, none is in flight and its
          // lease's expiry is final. Nobody takes over before it.
          severable.down = true;
          await aWholeCall(severable, 'renew');
          const expiry = a.signal!.lease.expiresAt.getTime();
          clock.advance(expiry - clock.now().getTime() - 1);
          await aWholeCall(bStore, 'acquire');
          expect([a.active, b.active]).toEqual([true, false]);
          clock.advance(1);
          await waitFor(() => b.active, 'worker b to take over');
          expect(a.active).toBe(false);
          await waitFor(() => a.events.length === 2, 'worker a to be told');
          expect(a.events).toEqual(['acquired 1', 'lost 1 expired']);
          expect(b.events).toEqual(['acquired 2']);
          // b keeps it while it renews; a, back from the dead, stands by.
          severable.down = false;
          for (let i = 0; i < 3; i += 1) {
            clock.advance(TTL / 3);
            await renewedAtNow(b, clock);
            await aWholeCall(severable, 'acquire');
            expect([a.active, b.active]).toEqual([false, true]);
          }
          await a.holding.stop();
          await b.holding.stop();
          expect(b.events).toEqual(['acquired 2', 'lost 2 stopped']);
          // Both released: the name is free.
          expect((await store.acquire(name, 'next', TTL, clock.now()))?.token).toBe(3);
        });

        it('a keeper starting after its holder died takes the lease at its first attempt, long before the expiry', async () => {
          const name = fresh('projection');
          const clock = new ManualClock(T0);
          const dead = (await store.acquire(name, 'killed-process', TTL, clock.now()))!;
          const restarted = worker(
            new LeaseKeeper(other, {
              holder: 'restarted-process',
              clock,
              renewEveryMs: 10,
              holderIsGone: (holder) => holder === 'killed-process',
            }),
            name,
          );
          // The clock never moves: only the dead holder's liveness lets it in.
          await waitFor(() => restarted.active, 'the restarted keeper to take over');
          expect(restarted.events).toEqual(['acquired 2']);
          expect(await store.renew(dead, TTL, clock.now())).toBeNull();
          // Without that knowledge, a standby still waits for the expiry.
          const standby = worker(new LeaseKeeper(store, { holder: 'standby', clock }), name);
          await sleep(30);
          expect(standby.active).toBe(false);
          await restarted.holding.stop();
          await standby.holding.stop();
        });

        it('hands over at once on a graceful stop: onLost first, then release', async () => {
          const name = fresh('job');
          const clock = new ManualClock(T0);
          const a = worker(
            new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 }),
            name,
          );
          await waitFor(() => a.active, 'worker a to start');
          const bStore = new SeverableLeaseStore(other);
          const b = worker(
            new LeaseKeeper(bStore, { holder: 'worker-b', clock, renewEveryMs: 10 }),
            name,
          );
          await aWholeCall(bStore, 'acquire');
          expect(b.active).toBe(false);
          await a.holding.stop();
          expect(a.events).toEqual(['acquired 1', 'lost 1 stopped']);
          // The clock has not moved: the release is what lets b in.
          await waitFor(() => b.active, 'worker b to take over');
          expect(b.events).toEqual(['acquired 2']);
          expect(b.holding.current?.token).toBe(2);
          await b.holding.stop();
          expect(b.holding.current).toBeUndefined();
        });

        it('stops the work when a renewal is refused, then stands by for the next turn', async () => {
          const name = fresh('job');
          const clock = new ManualClock(T0);
          const a = worker(
            new LeaseKeeper(store, { holder: 'worker-a', clock, renewEveryMs: 10 }),
            name,
          );
          await waitFor(() => a.active, 'worker a to start');
          // Someone whose clock runs ahead takes the lease away.
          const taken = (await other.acquire(name, 'intruder', TTL, new Date(T0 + 2 * TTL)))!;
          await waitFor(() => a.events.length === 2, 'worker a to be told');
          expect(a.events).toEqual(['acquired 1', 'lost 1 renewal-refused']);
          await other.release(taken);
          await waitFor(() => a.active, 'worker a to get it back');
          expect(a.events[2]).toBe('acquired 3');
          await a.holding.stop();
        });
      });
    });
  });
}
