import type { IdempotencyStore, StoredResponse } from './idempotency-store.port';

/**
 * The behaviour every IdempotencyStore adapter must have; each adapter's spec runs it against
 * a real store (a SQLite file, MongoDB over the wire).
 */
export function idempotencyStoreContract(
  name: string,
  open: () => Promise<{ store: IdempotencyStore; close(): Promise<void> }>,
): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    let store: IdempotencyStore;
    let close: () => Promise<void>;
    let n = 0;
    const id = () => `record-${++n}-${Math.random().toString(36).slice(2)}`;
    const T0 = new Date('2030-01-01T00:00:00Z');
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const response: StoredResponse = {
      status: 201,
      headers: { location: '/v1/things/1', etag: 'W/"1"' },
      body: { id: 't-1', nested: { $odd: 'key', 'a.b': [1, null] } },
    };

    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(() => close());

    it('claims a fresh id', async () => {
      const outcome = await store.claim(id(), 'fp', T0, at(1000));
      expect(outcome).toEqual({ kind: 'claimed', token: expect.any(String) });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const key = id();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.claim(key, 'fp', T0, at(1000))),
      );
      expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'in_flight')).toHaveLength(19);
      for (const o of outcomes) if (o.kind === 'in_flight') expect(o.fingerprint).toBe('fp');
    });

    it('stores the response and hands it back with the fingerprint', async () => {
      const key = id();
      const claim = await store.claim(key, 'fp-1', T0, at(1000));
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.complete(key, claim.token, response, at(86_400_000))).toBe(true);
      expect(await store.claim(key, 'fp-2', at(5000), at(6000))).toEqual({
        kind: 'completed',
        fingerprint: 'fp-1',
        response,
      });
    });

    it('lets a claim take over an in-flight record whose lease ran out', async () => {
      const key = id();
      const first = await store.claim(key, 'fp', T0, at(1000));
      expect((await store.claim(key, 'fp', at(999), at(2000))).kind).toBe('in_flight');
      const second = await store.claim(key, 'fp', at(1000), at(2000));
      expect(second.kind).toBe('claimed');
      // the first owner finishing late no longer counts
      if (first.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.complete(key, first.token, response, at(86_400_000))).toBe(false);
    });

    it('forgets a completed record once it expires', async () => {
      const key = id();
      const claim = await store.claim(key, 'fp', T0, at(1000));
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      await store.complete(key, claim.token, response, at(86_400_000));
      expect((await store.claim(key, 'fp', at(86_399_999), at(86_500_000))).kind).toBe('completed');
      expect((await store.claim(key, 'other', at(86_400_000), at(86_500_000))).kind).toBe(
        'claimed',
      );
    });

    it('releases a claim so the next request runs again', async () => {
      const key = id();
      const claim = await store.claim(key, 'fp', T0, at(1000));
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      await store.release(key, 'someone-else');
      expect((await store.claim(key, 'fp', T0, at(1000))).kind).toBe('in_flight');
      await store.release(key, claim.token);
      expect((await store.claim(key, 'fp', T0, at(1000))).kind).toBe('claimed');
    });

    it('does not complete twice', async () => {
      const key = id();
      const claim = await store.claim(key, 'fp', T0, at(1000));
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.complete(key, claim.token, response, at(86_400_000))).toBe(true);
      expect(await store.complete(key, claim.token, { ...response, status: 200 }, at(1))).toBe(
        false,
      );
      const again = await store.claim(key, 'fp', at(10), at(20));
      expect(again).toMatchObject({ kind: 'completed', response: { status: 201 } });
    });

    it('tells how long a running claim lasts, and a renewal extends it past its first lease', async () => {
      const key = id();
      const claim = await store.claim(key, 'fp', T0, at(3000), { holder: 'process-a' });
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      expect(await store.claim(key, 'fp', at(1000), at(4000))).toEqual({
        kind: 'in_flight',
        fingerprint: 'fp',
        leaseUntil: at(3000),
      });
      expect(await store.renew(key, claim.token, at(5000))).toBe(true);
      expect(await store.claim(key, 'fp', at(4000), at(7000))).toEqual({
        kind: 'in_flight',
        fingerprint: 'fp',
        leaseUntil: at(5000),
      });
      expect(await store.renew(key, 'another-token', at(9000))).toBe(false);
      expect(await store.complete(key, claim.token, response, at(86_400_000))).toBe(true);
      // A completed record is no claim to renew.
      expect(await store.renew(key, claim.token, at(9000))).toBe(false);
    });

    it('takes over at once a running claim whose holder is gone; the dead holder can neither complete nor renew it', async () => {
      const key = id();
      const dead = await store.claim(key, 'fp', T0, at(60_000), { holder: 'killed-process' });
      if (dead.kind !== 'claimed') throw new Error('not claimed');
      const asked: string[] = [];
      const retry = await store.claim(key, 'fp', at(1000), at(4000), {
        holder: 'restarted-process',
        holderIsGone: (holder) => {
          asked.push(holder);
          return holder === 'killed-process';
        },
      });
      expect(retry).toEqual({ kind: 'claimed', token: expect.any(String) });
      expect(asked).toEqual(['killed-process']);
      expect(await store.complete(key, dead.token, response, at(86_400_000))).toBe(false);
      expect(await store.renew(key, dead.token, at(90_000))).toBe(false);
      // The new claim is recorded as the restarted process's.
      expect(
        (
          await store.claim(key, 'fp', at(2000), at(5000), {
            holder: 'third',
            holderIsGone: (holder) => holder === 'killed-process',
          })
        ).kind,
      ).toBe('in_flight');
    });

    it('leaves a live holder its claim, and a completed record its response, whatever the claimant thinks', async () => {
      const live = id();
      await store.claim(live, 'fp', T0, at(60_000), { holder: 'alive' });
      const thinksAllDead = { holder: 'b', holderIsGone: (holder: string) => holder !== 'alive' };
      expect((await store.claim(live, 'fp', at(1), at(2), thinksAllDead)).kind).toBe('in_flight');
      const done = id();
      const claim = await store.claim(done, 'fp', T0, at(60_000), { holder: 'gone-after' });
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      await store.complete(done, claim.token, response, at(86_400_000));
      expect(await store.claim(done, 'fp', at(1), at(2), thinksAllDead)).toMatchObject({
        kind: 'completed',
        response,
      });
    });

    it("lets exactly one of many concurrent retries take over a dead holder's claim, round after round", async () => {
      const claimant = (i: number) => ({
        holder: `retry-${i}`,
        holderIsGone: (holder: string) => holder === 'killed-process',
      });
      for (let round = 0; round < 10; round += 1) {
        const key = id();
        await store.claim(key, 'fp', T0, at(60_000), { holder: 'killed-process' });
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.claim(key, 'fp', at(1), at(4000), claimant(i)),
          ),
        );
        const kinds = outcomes.map((o) => o.kind);
        expect({ round, claimed: kinds.filter((k) => k === 'claimed').length }).toEqual({
          round,
          claimed: 1,
        });
        expect(kinds.filter((k) => k === 'in_flight')).toHaveLength(19);
      }
    });

    it('lets exactly one of many concurrent claims replace an expired claim, round after round', async () => {
      for (let round = 0; round < 10; round += 1) {
        const key = id();
        await store.claim(key, 'fp', T0, at(1000), { holder: 'slow-process' });
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.claim(key, 'fp', at(1000), at(4000), { holder: `retry-${i}` }),
          ),
        );
        const kinds = outcomes.map((o) => o.kind);
        expect({ round, claimed: kinds.filter((k) => k === 'claimed').length }).toEqual({
          round,
          claimed: 1,
        });
      }
    });

    it('purges expired records only', async () => {
      const live = id();
      const dead = id();
      await store.claim(live, 'fp', T0, at(10_000));
      await store.claim(dead, 'fp', T0, at(10));
      expect(await store.purgeExpired(at(5000))).toBeGreaterThanOrEqual(1);
      expect((await store.claim(live, 'fp', at(5000), at(6000))).kind).toBe('in_flight');
    });
  });
}
