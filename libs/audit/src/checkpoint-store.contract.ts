import { GENESIS_HASH } from '@ledger/event-store';
import type { CheckpointStore } from './checkpoint-store';
import { CheckpointSigner, checkpointHash, type SignedCheckpoint } from './signing-key';

/**
 * The behaviour every CheckpointStore adapter must have; each adapter's spec runs it against
 * a real store (a SQLite file on disk, FerretDB over the wire). `open` gives an empty store.
 */
export function checkpointStoreContract(
  label: string,
  open: () => Promise<{ store: CheckpointStore; close(): Promise<void> }>,
) {
  describe(`${label} (CheckpointStore contract)`, () => {
    const signer = CheckpointSigner.generate();
    let store: CheckpointStore;
    let close: () => Promise<void>;
    let n = 0;
    const freshStream = () => `workspace-contract-${(n += 1)}`;
    const hash = (i: number) => i.toString(16).padStart(64, '0');
    const chained = (streamId: string, revision: number, previous: SignedCheckpoint | null) =>
      signer.sign({
        streamId,
        revision,
        hash: hash(revision),
        signedAt: new Date(Date.UTC(2030, 0, 1, 0, revision)).toISOString(),
        sequence: (previous?.sequence ?? 0) + 1,
        prevCheckpointHash: previous ? checkpointHash(previous) : GENESIS_HASH,
      });
    const legacy = (streamId: string, revision: number) =>
      signer.sign({
        streamId,
        revision,
        hash: hash(revision),
        signedAt: new Date(Date.UTC(2030, 0, 1, 0, revision)).toISOString(),
        sequence: null,
        prevCheckpointHash: null,
      });

    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(() => close());

    it('keeps checkpoints with their chain fields, and the feed position with them', async () => {
      const stream = freshStream();
      const first = chained(stream, 2, null);
      const second = chained(stream, 5, first);
      await store.add([first], '10');
      await store.add([second], '20');
      expect(await store.cursor()).toBe('20');
      // A slower signer finishing late does not move the position back.
      await store.add([], '15');
      expect(await store.cursor()).toBe('20');
      expect(await store.forStream(stream)).toEqual([first, second]);
      expect(await store.latest(stream)).toEqual(second);
      const listed: SignedCheckpoint[] = [];
      for await (const c of store.list([stream])) listed.push(c);
      expect(listed).toEqual([first, second]);
    });

    it('keeps the first checkpoint of a stream and revision', async () => {
      const stream = freshStream();
      const first = chained(stream, 1, null);
      await store.add([first], '30');
      await store.add([{ ...first, signedAt: '2031-01-01T00:00:00.000Z' }], '31');
      expect(await store.forStream(stream)).toEqual([first]);
    });

    it('answers the newest legacy checkpoint as latest until a chained one exists', async () => {
      const stream = freshStream();
      expect(await store.latest(stream)).toBeNull();
      const old = [legacy(stream, 0), legacy(stream, 3), legacy(stream, 1)];
      await store.add(old, '40');
      expect(await store.latest(stream)).toEqual(old[1]);
      expect((await store.forStream(stream)).map((c) => c.revision)).toEqual([0, 1, 3]);
      const next = chained(stream, 4, old[1]);
      await store.add([next], '41');
      expect(await store.latest(stream)).toEqual(next);
    });

    it("lists only the named streams' checkpoints, all streams when none are named", async () => {
      const a = freshStream();
      const b = freshStream();
      await store.add([chained(a, 0, null), chained(b, 0, null)], '50');
      const only: string[] = [];
      for await (const c of store.list([b])) only.push(c.streamId);
      expect(only).toEqual([b]);
      const all: unknown[] = [];
      for await (const c of store.list()) all.push(c.streamId);
      expect(all).toEqual(expect.arrayContaining([a, b]));
      // Nothing else (another record kept next to the checkpoints) passes for one.
      expect(all.filter((streamId) => typeof streamId !== 'string')).toEqual([]);
    });
  });
}
