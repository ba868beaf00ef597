import { AppendTooLargeError } from '../append-validation';
import { chainHash, GENESIS_HASH } from '../chain';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import {
  anEvent,
  collect,
  events,
  gate,
  metadata,
  ref,
  uniqueStream,
  waitFor,
} from './contract-helpers';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show. Streams get random names and global-feed
 * assertions only look at this test's streams, so it also runs against a shared EventStoreDB.
 */
export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
): void {
  describe(`${name}: EventStore contract`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    /** A position in the feed before anything this test appends. */
    async function markFeed(): Promise<string> {
      const marker = uniqueStream('marker');
      await store.append(marker, [anEvent('Marker')], 'no_stream');
      const [event] = await collect(store.readStream(marker));
      return event.position;
    }

    async function rejection(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
      const error = await promise.then(
        () => {
          throw new Error('expected the append to be rejected');
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      return error as WrongExpectedRevisionError;
    }

    describe('append and readStream', () => {
      it('reads back what was appended: types, data, metadata, revisions, time', async () => {
        const stream = uniqueStream('conn');
        const first = anEvent('ConnectionConnected', { platform: 'x', nested: { a: [1, 2] } });
        const second = anEvent('ConnectionSetAsMain', { isMain: true });
        second.metadata = metadata({
          causationId: first.id,
          schemaVersion: 2,
          actor: { userId: 'u-2', role: 'owner', ip: null, userAgent: null },
          idempotencyKey: 'k-1',
        });
        const before = Date.now();

        const result = await store.append(stream, [first, second], 'no_stream');
        const read = await collect(store.readStream(stream));

        expect(result.nextExpectedRevision).toBe(1);
        expect(typeof result.position).toBe('string');
        expect(read.map((e) => [e.id, e.type, e.revision, e.streamId])).toEqual([
          [first.id, 'ConnectionConnected', 0, stream],
          [second.id, 'ConnectionSetAsMain', 1, stream],
        ]);
        expect(read[0].data).toEqual(first.data);
        expect(read[0].metadata).toEqual(first.metadata);
        expect(read[1].metadata).toEqual(second.metadata);
        expect(new Set(read.map((e) => e.position)).size).toBe(2);
        for (const event of read) {
          expect(event.recordedAt).toBeInstanceOf(Date);
          // Generous: a remote server's clock may drift from ours.
          expect(Math.abs(event.recordedAt.getTime() - before)).toBeLessThan(60_000);
        }
      });

      it('reads an unknown stream as empty', async () => {
        expect(await collect(store.readStream(uniqueStream('nobody')))).toEqual([]);
      });

      it('honours fromRevision and maxCount', async () => {
        const stream = uniqueStream('range');
        await store.append(stream, events(10), 'no_stream');

        const middle = await collect(store.readStream(stream, { fromRevision: 3, maxCount: 4 }));
        const tail = await collect(store.readStream(stream, { fromRevision: 8 }));
        const beyond = await collect(store.readStream(stream, { fromRevision: 10 }));

        expect(middle.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        expect(tail.map((e) => e.revision)).toEqual([8, 9]);
        expect(beyond).toEqual([]);
      });

      it('pages through a stream of more than 1000 events, in order', async () => {
        const stream = uniqueStream('long');
        let expected: 'no_stream' | number = 'no_stream';
        for (let chunk = 0; chunk < 13; chunk += 1) {
          const result: AppendResult = await store.append(stream, events(100), expected);
          expected = result.nextExpectedRevision;
        }
        const read = await collect(store.readStream(stream));
        expect(read).toHaveLength(1300);
        expect(read.every((e, i) => e.revision === i)).toBe(true);
      });
    });

    describe('expected revision', () => {
      it('no_stream: succeeds on a new stream, conflicts on an existing one', async () => {
        const stream = uniqueStream('ns');
        await store.append(stream, events(2), 'no_stream');
        const error = await rejection(store.append(stream, events(1), 'no_stream'));
        expect(error.streamId).toBe(stream);
        expect(error.expected).toBe('no_stream');
        expect(error.actual).toBe(1);
      });

      it('a number: succeeds at that revision, conflicts when stale or absent', async () => {
        const stream = uniqueStream('num');
        await store.append(stream, events(2), 'no_stream');

        const next = await store.append(stream, events(1), 1);
        const stale = await rejection(store.append(stream, events(1), 1));
        const absent = await rejection(store.append(uniqueStream('num'), events(1), 0));

        expect(next.nextExpectedRevision).toBe(2);
        expect(stale.actual).toBe(2);
        expect(stale.expected).toBe(1);
        expect(absent.actual).toBe('no_stream');
      });

      it('any: appends whatever the stream state', async () => {
        const stream = uniqueStream('any');
        expect((await store.append(stream, events(1), 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream, events(2), 'any')).nextExpectedRevision).toBe(2);
      });

      it('stream_exists: conflicts on a new stream, appends to an existing one', async () => {
        const stream = uniqueStream('exists');
        const missing = await rejection(store.append(stream, events(1), 'stream_exists'));
        await store.append(stream, events(1), 'no_stream');
        const result = await store.append(stream, events(1), 'stream_exists');

        expect(missing.actual).toBe('no_stream');
        expect(result.nextExpectedRevision).toBe(1);
      });
    });

    describe('idempotent retry', () => {
      it('returns the first result and writes nothing twice', async () => {
        const stream = uniqueStream('retry');
        const batch = events(3);
        const first = await store.append(stream, batch, 'no_stream');
        const retry = await store.append(stream, batch, 'no_stream');

        expect(retry).toEqual(first);
        expect((await collect(store.readStream(stream))).map((e) => e.id)).toEqual(
          batch.map((e) => e.id),
        );
      });

      it('is still recognised after the stream moved on', async () => {
        const stream = uniqueStream('retry-later');
        const batch = events(2);
        const first = await store.append(stream, batch, 'no_stream');
        await store.append(stream, events(1), 1);

        expect(await store.append(stream, batch, 'no_stream')).toEqual(first);
        expect(await collect(store.readStream(stream))).toHaveLength(3);
      });

      it('is recognised when decided again at the revision the stream has now', async () => {
        // A retry after a lost reply reloads the stream and appends the same ids at its new
        // head: EventStoreDB alone would write them a second time.
        const stream = uniqueStream('retry-at-head');
        await store.append(stream, events(1), 'no_stream');
        const batch = events(2);
        const first = await store.append(stream, batch, 0);
        const atHead = await store.append(stream, batch, first.nextExpectedRevision);
        await store.append(stream, events(1), 2);
        const afterAnother = await store.append(stream, batch, 3);

        expect(atHead).toEqual(first);
        expect(afterAnother).toEqual(first);
        expect((await collect(store.readStream(stream))).map((e) => e.id)).toHaveLength(4);
      });

      it('recognises a retry with any, and answers the position the feed shows', async () => {
        const stream = uniqueStream('retry-any');
        const batch = events(2);
        const first = await store.append(stream, batch, 'any');
        const retry = await store.append(stream, batch, 'any');
        const read = await collect(store.readStream(stream));

        expect(retry).toEqual(first);
        expect(read).toHaveLength(2);
        expect(first.position).toBe(read[1].position);
      });

      it('refuses an append that repeats some ids of the stream’s last events', async () => {
        const stream = uniqueStream('overlap-at-head');
        const [a, b] = events(2);
        await store.append(stream, [a, b], 'no_stream');

        const repeatsLast = await rejection(store.append(stream, [b, anEvent()], 1));
        const repeatsFirst = await rejection(store.append(stream, [anEvent(), a], 'any'));
        const reordered = await rejection(store.append(stream, [b, a], 1));

        expect(repeatsLast.actual).toBe(1);
        expect(repeatsFirst.actual).toBe(1);
        expect(reordered.actual).toBe(1);
        expect((await collect(store.readStream(stream))).map((e) => e.id)).toEqual([a.id, b.id]);
      });

      it('treats a partial overlap with an earlier append as a conflict', async () => {
        const stream = uniqueStream('overlap');
        const [a, b] = events(2);
        await store.append(stream, [a, b], 'no_stream');
        await rejection(store.append(stream, [b, anEvent()], 'no_stream'));
        expect(await collect(store.readStream(stream))).toHaveLength(2);
      });
    });

    describe('appends refused before they reach storage', () => {
      it.each([
        ['an id that is not a UUID', { id: 'event-1' }, /not a UUID/],
        ['an empty type', { type: '' }, /has no type/],
        ['a $-prefixed type (system events)', { type: '$metadata' }, /starts with \$/],
        ['the store’s own $chain metadata', { chain: true }, /\$chain/],
      ])('%s', async (_what, change, message) => {
        const stream = uniqueStream('invalid');
        const { chain, ...fields } = change as Partial<EventToAppend> & { chain?: boolean };
        const event = { ...anEvent(), ...fields };
        if (chain) event.metadata = { ...event.metadata, $chain: { prevHash: 'x', hash: 'y' } };

        await expect(store.append(stream, [event], 'no_stream')).rejects.toThrow(message);
        expect(await collect(store.readStream(stream))).toEqual([]);
      });

      it('an append over 1 MiB, with an error that says so', async () => {
        const stream = uniqueStream('too-large');
        const big = events(2).map((e) => ({ ...e, data: { text: 'x'.repeat(600 * 1024) } }));

        const error = await store.append(stream, big, 'no_stream').catch((e: unknown) => e);

        expect(error).toBeInstanceOf(AppendTooLargeError);
        expect(String(error)).toMatch(/over the 1048576 bytes \(1 MiB\)/);
        expect(await collect(store.readStream(stream))).toEqual([]);
        // Just under the limit is fine.
        const fits = [{ ...anEvent(), data: { text: 'x'.repeat(1000 * 1024) } }];
        expect((await store.append(stream, fits, 'no_stream')).nextExpectedRevision).toBe(0);
      });
    });

    it('lets exactly one of 20 racing appends at the same revision win', async () => {
      const stream = uniqueStream('race');
      await store.append(stream, events(1), 'no_stream');

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.append(stream, events(1), 0)),
      );

      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const error of lost) expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await collect(store.readStream(stream))).toHaveLength(2);
    });

    describe('hash chain', () => {
      /** Each event links to the one before it and hashes to what it carries. */
      function expectChained(read: RecordedEvent[]): void {
        let prevHash = GENESIS_HASH;
        read.forEach((event, i) => {
          expect(event.revision).toBe(i);
          expect(event.chain?.prevHash).toBe(prevHash);
          const { streamId, revision, id, type, data, metadata } = event;
          expect(event.chain?.hash).toBe(
            chainHash({ streamId, revision, id, type, data, metadata, prevHash }),
          );
          prevHash = event.chain?.hash as string;
        });
      }

      it('links every appended event to the previous one in its stream', async () => {
        const stream = uniqueStream('chain');
        const first = anEvent('ConnectionConnected', { platform: 'x', nested: { b: 1, a: [2] } });
        await store.append(stream, [first, anEvent()], 'no_stream');
        await store.append(stream, events(2), 1);
        await store.append(stream, events(1), 'any');
        await store.append(stream, events(1), 'stream_exists');

        const read = await collect(store.readStream(stream));
        expect(read).toHaveLength(6);
        expectChained(read);
        // The chain is not part of the caller's metadata.
        expect(read[0].metadata).toEqual(first.metadata);
        expect(new Set(read.map((e) => e.chain?.hash)).size).toBe(6);
      });

      it('stays linked under concurrent appends, conflicts and idempotent retries', async () => {
        const stream = uniqueStream('chain-race');
        const batch = events(2);
        await store.append(stream, batch, 'no_stream');
        await Promise.allSettled([
          ...Array.from({ length: 5 }, () => store.append(stream, events(1), 'any')),
          ...Array.from({ length: 5 }, () => store.append(stream, events(2), 1)),
          store.append(stream, batch, 'no_stream'),
        ]);
        expectChained(await collect(store.readStream(stream)));
      });

      it('carries the chain in the global feed too', async () => {
        const start = await markFeed();
        const stream = uniqueStream('chain-feed');
        await store.append(stream, events(3), 'no_stream');
        const page = (await store.readAll({ after: start, maxCount: 100 })).filter(
          (e) => e.streamId === stream,
        );
        expectChained(page);
      });
    });

    describe('readAll', () => {
      it('returns the global order across streams, paged by `after`', async () => {
        const start = await markFeed();
        const streams = [uniqueStream('a'), uniqueStream('b'), uniqueStream('c')];
        const appended: string[] = [];
        for (let round = 0; round < 3; round += 1) {
          for (const stream of streams) {
            await store.append(stream, [anEvent()], round === 0 ? 'no_stream' : round - 1);
            appended.push(`${stream}@${round}`);
          }
        }

        const ours: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, maxCount: 2 });
          expect(page.length).toBeLessThanOrEqual(2);
          if (page.length === 0) break;
          ours.push(...page.filter((e) => streams.includes(e.streamId)));
          after = page[page.length - 1].position;
        }

        expect(ours.map(ref)).toEqual(appended);
        const afterLast = await store.readAll({
          after: ours[ours.length - 1].position,
          maxCount: 10,
        });
        expect(afterLast.filter((e) => streams.includes(e.streamId))).toEqual([]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers live appends in order, once each', async () => {
        const start = await markFeed();
        const stream = uniqueStream('sub');
        await store.append(stream, events(3), 'no_stream');
        const seen: RecordedEvent[] = [];

        const subscription = store.subscribeToAll({ after: start }, async (event) => {
          if (event.streamId === stream) seen.push(event);
        });
        try {
          await waitFor('catch-up', () => seen.length === 3);
          await store.append(stream, events(2), 2);
          await waitFor('live events', () => seen.length >= 5);
        } finally {
          await subscription.stop();
        }

        expect(seen.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('resumes from a checkpoint with exactly the events after it', async () => {
        const start = await markFeed();
        const stream = uniqueStream('resume');
        await store.append(stream, events(5), 'no_stream');
        const firstRun: RecordedEvent[] = [];
        const first = store.subscribeToAll({ after: start }, async (event) => {
          if (event.streamId === stream) firstRun.push(event);
        });
        await waitFor('first run', () => firstRun.length === 5);
        await first.stop();

        const checkpoint = firstRun[1].position;
        const resumed: number[] = [];
        const second = store.subscribeToAll({ after: checkpoint }, async (event) => {
          if (event.streamId === stream) resumed.push(event.revision);
        });
        try {
          await store.append(stream, events(1), 4);
          // The live event arrives after everything older, so duplicates would show by now.
          await waitFor('resumed run', () => resumed.includes(5));
        } finally {
          await second.stop();
        }

        expect(resumed).toEqual([2, 3, 4, 5]);
      });

      it('calls the handler one event at a time, and stop() waits for it', async () => {
        const start = await markFeed();
        const stream = uniqueStream('serial');
        await store.append(stream, events(3), 'no_stream');
        let running = 0;
        let maxRunning = 0;
        let handled = 0;
        const hold = gate();
        const subscription = store.subscribeToAll({ after: start }, async (event) => {
          if (event.streamId !== stream) return;
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          if (event.revision === 2) await hold.promise;
          running -= 1;
          handled += 1;
        });

        await waitFor('the held handler', () => running === 1 && handled === 2);
        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(stopped).toBe(false);
        hold.open();
        await stopping;

        expect(handled).toBe(3);
        expect(maxRunning).toBe(1);
      });

      it('stops and reports when the handler throws', async () => {
        const start = await markFeed();
        const stream = uniqueStream('boom');
        await store.append(stream, events(3), 'no_stream');
        const seen: number[] = [];
        const errors: unknown[] = [];
        const failure = new Error('projection failed');

        const subscription = store.subscribeToAll(
          { after: start },
          async (event) => {
            if (event.streamId !== stream) return;
            seen.push(event.revision);
            if (event.revision === 1) throw failure;
          },
          (error) => errors.push(error),
        );
        await waitFor('the error report', () => errors.length === 1);
        await store.append(stream, events(1), 2);
        await subscription.stop();

        expect(errors).toEqual([failure]);
        expect(seen).toEqual([0, 1]);
      });
    });
  });
}
