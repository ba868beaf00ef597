import mongoose, { type Connection } from 'mongoose';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { leaseStoreContract } from '../contract/lease-store.contract';
import type { Lease } from '../lease-store.port';
import { openLeaseStore } from '../open-lease-store';
import { gate } from '../testing/lease-test-kit';
import { LEASES_COLLECTION, MongoLeaseStore, type LeaseStepDoc } from './mongo-lease-store';

const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

function connect(dbName: string): Promise<Connection> {
  return mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
}

/** Each instance on its own connection (own socket pool and model registry), as a process. */
function contractOn(label: string, tuning: { keepSteps?: number; sweepEverySteps?: number }) {
  leaseStoreContract(label, async () => {
    const dbName = uniqueDatabaseName('leases');
    const connections: Connection[] = [];
    const open = async () => {
      const connection = await connect(dbName);
      connections.push(connection);
      return MongoLeaseStore.open({ mongo: connection, ...tuning });
    };
    const store = await open();
    return {
      store,
      openAnother: open,
      close: async () => {
        await connections[0].dropDatabase();
        for (const connection of connections) await connection.close();
      },
    };
  });
}

contractOn('MongoLeaseStore (FerretDB over the wire)', {});
// The same races while every step sweeps everything below itself, to show the sweep never
// lets a racer win on a deleted step.
contractOn('MongoLeaseStore (FerretDB, sweeping at every step)', {
  keepSteps: 0,
  sweepEverySteps: 1,
});

describe('MongoLeaseStore chain and sweep', () => {
  const dbName = uniqueDatabaseName('leases_chain');
  let connection: Connection;
  let another: Connection;

  beforeAll(async () => {
    connection = await connect(dbName);
    another = await connect(dbName);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
    await another.close();
  });

  const steps = (name: string) =>
    connection
      .collection<LeaseStepDoc>(LEASES_COLLECTION)
      .find({ name })
      .sort({ seq: 1 })
      .toArray();

  it('records acquire, renew and release as steps of one chain, ids unique per name and seq', async () => {
    const store = await MongoLeaseStore.open({ mongo: connection });
    const lease = (await store.acquire('job:token-refresh', 'w', 1_000, at(0)))!;
    const renewed = (await store.renew(lease, 1_000, at(500)))!;
    await store.release(renewed);
    expect(
      (await steps('job:token-refresh')).map(({ _id, seq, kind, token, released }) => ({
        _id,
        seq,
        kind,
        token,
        released,
      })),
    ).toEqual([
      { _id: '["job:token-refresh",1]', seq: 1, kind: 'acquire', token: 1, released: false },
      { _id: '["job:token-refresh",2]', seq: 2, kind: 'renew', token: 1, released: false },
      { _id: '["job:token-refresh",3]', seq: 3, kind: 'release', token: 1, released: true },
    ]);
  });

  it('sweeps old steps on its own and on demand, never the head, and tokens go on', async () => {
    const store = await MongoLeaseStore.open({
      mongo: connection,
      keepSteps: 2,
      sweepEverySteps: 10,
    });
    const name = 'projection:connections';
    let lease = (await store.acquire(name, 'w', 1_000, at(0)))!;
    for (let i = 1; i < 25; i += 1) lease = (await store.renew(lease, 1_000, at(i)))!;
    // Step 20 swept up to step 17; steps 18..25 remain.
    expect((await steps(name)).map((s) => s.seq)).toEqual([18, 19, 20, 21, 22, 23, 24, 25]);
    expect(await store.sweep()).toBeGreaterThanOrEqual(5);
    expect((await steps(name)).map((s) => s.seq)).toEqual([23, 24, 25]);
    await store.release(lease);
    const zero = await MongoLeaseStore.open({ mongo: another, keepSteps: 0 });
    await zero.sweep();
    expect((await steps(name)).map((s) => s.seq)).toEqual([26]);
    // The lone head still carries the token: the next one is higher.
    expect((await zero.acquire(name, 'x', 1_000, at(100)))?.token).toBe(2);
    expect((await steps(name)).map((s) => s.seq)).toEqual([26, 27]);
  });

  /**
   * Without the check after the insert, a writer that read the head and stalled while the
   * chain moved on and the sweep deleted the steps it read would re-insert a deleted step and
   * believe it won: here, a second holder of a held lease.
   */
  describe('a writer stalled while the sweep deleted the step it read', () => {
    async function stalledWriter(name: string, seq: number) {
      const arrived = gate();
      const resume = gate();
      const stalled = await MongoLeaseStore.open({
        mongo: another,
        beforeInsert: async (n, s) => {
          if (n !== name || s !== seq) return;
          arrived.open();
          await resume.promise;
        },
      });
      return { stalled, arrived, resume };
    }

    it('does not acquire a name first leased (and swept) while it stalled', async () => {
      const name = 'refresh:conn-stale-acquire';
      const { stalled, arrived, resume } = await stalledWriter(name, 1);
      const store = await MongoLeaseStore.open({ mongo: connection, keepSteps: 0 });
      // The stalled writer read "never leased" and is about to insert step 1.
      const pending = stalled.acquire(name, 'stale', 60_000, at(0));
      await arrived.promise;
      const first = (await store.acquire(name, 'a', 60_000, at(0)))!;
      await store.release(first);
      const held = (await store.acquire(name, 'b', 60_000, at(1)))!;
      expect(held.token).toBe(2);
      await store.sweep(); // steps 1 and 2 go; step 3 (b's lease) is the head
      expect((await steps(name)).map((s) => s.seq)).toEqual([3]);
      resume.open();
      // Its insert of step 1 succeeds, but it sees step 3 above and starts over: b holds it.
      expect(await pending).toBeNull();
      expect(await store.renew(held, 60_000, at(2))).toMatchObject({ holder: 'b', token: 2 });
      expect(await store.acquire(name, 'c', 60_000, at(3))).toBeNull();
    });

    it('does not renew a lease taken over (and swept) while it stalled', async () => {
      const name = 'refresh:conn-stale-renew';
      const store = await MongoLeaseStore.open({ mongo: connection, keepSteps: 0 });
      const mine = (await store.acquire(name, 'a', 1_000, at(0)))!;
      const { stalled, arrived, resume } = await stalledWriter(name, 2);
      // The stalled writer read step 1 (a's lease, unexpired at 500) and will insert step 2.
      const pending = stalled.renew(mine, 1_000, at(500));
      await arrived.promise;
      // Meanwhile a's lease expires and b takes over; the sweep removes steps 1 and 2.
      const taken = (await store.acquire(name, 'b', 60_000, at(2_000)))!;
      const renewed = (await store.renew(taken, 60_000, at(2_001)))!;
      await store.sweep();
      expect((await steps(name)).map((s) => s.seq)).toEqual([3]);
      resume.open();
      expect(await pending).toBeNull();
      expect(await store.renew(renewed, 60_000, at(2_002))).toMatchObject({
        holder: 'b',
        token: 2,
      });
    });

    it('still wins when the sweep removes its predecessor right after its insert', async () => {
      const name = 'refresh:conn-swept-under';
      const store = await MongoLeaseStore.open({ mongo: connection, keepSteps: 0 });
      const mine = (await store.acquire(name, 'a', 60_000, at(0)))!;
      // Renew, and sweep (from another instance) while the renewal is in flight, many times.
      let lease: Lease = mine;
      const sweeper = await MongoLeaseStore.open({ mongo: another, keepSteps: 0 });
      for (let i = 1; i <= 10; i += 1) {
        const [renewed] = await Promise.all([store.renew(lease, 60_000, at(i)), sweeper.sweep()]);
        expect(renewed).toMatchObject({ holder: 'a', token: 1 });
        lease = renewed!;
      }
    });
  });

  it('opens through openLeaseStore on MONGODB_URI, owning its connection', async () => {
    const { store, close } = await openLeaseStore({
      dataDir: '/nonexistent',
      mongodbUri: testMongoUri(),
      mongodbDbName: dbName,
    });
    expect(store).toBeInstanceOf(MongoLeaseStore);
    expect((await store.acquire('job:open', 'w', 1_000, at(0)))?.token).toBe(1);
    await close();
    expect(await steps('job:open')).toHaveLength(1);
  });
});
