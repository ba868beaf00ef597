import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { collect, events, uniqueStream, waitFor } from '../contract/contract-helpers';
import { EventStoreUnavailableError, type RecordedEvent } from '../event-store.port';
import { EsdbEventStore } from './esdb-event-store';
import { FakeEventStoreDb } from './testing/fake-eventstoredb';

const FAKE = '(fake EventStoreDB over gRPC: no real server here)';

/** Events big enough that a read of them outgrows HTTP/2's window: the server must wait. */
function bulky(count: number) {
  return events(count).map((e) => ({ ...e, data: { text: 'x'.repeat(2000) } }));
}

describe(`EsdbEventStore reads ${FAKE}`, () => {
  let fake: FakeEventStoreDb;
  let store: EsdbEventStore;

  beforeEach(async () => {
    fake = await FakeEventStoreDb.start();
    store = EsdbEventStore.fromConnectionString(fake.connectionString, { readTimeoutMs: 300 });
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
  });

  it('the fake keeps an early-stopped read of the bare client open, as the server does', async () => {
    // Shows the leak the adapter guards against is real on this fake (so the tests below can fail).
    await store.append('bulky', bulky(300), 'no_stream');
    const client = EventStoreDBClient.connectionString(fake.connectionString);
    try {
      for await (const resolved of client.readStream('bulky')) {
        expect(resolved.event?.revision).toBe(BigInt(0));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.openCalls).toBe(1);
    } finally {
      await client.dispose();
    }
  });

  it('cancels reads left early: 150 of them, then a read still answers and none stay open', async () => {
    await store.append('bulky', bulky(300), 'no_stream');
    const small = uniqueStream('small');
    await store.append(small, events(2), 'no_stream');

    for (let i = 0; i < 150; i += 1) {
      for await (const event of store.readStream('bulky')) {
        expect(event.revision).toBe(0);
        break;
      }
    }
    const read = await collect(store.readStream(small));

    expect(read).toHaveLength(2);
    await waitFor('every read call to end', () => fake.openCalls === 0);
  }, 30_000);

  it('asks $all for one page (and the start event it skips), not 500', async () => {
    await store.append(uniqueStream('a'), events(10), 'no_stream');

    const first = await store.readAll({ maxCount: 3 });
    const second = await store.readAll({ after: first[2].position, maxCount: 3 });

    const counts = fake.calls.filter((c) => c.stream === '$all').map((c) => c.count);
    expect(counts).toEqual([BigInt(3), BigInt(4)]);
    expect([...first, ...second].map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    await waitFor('every read call to end', () => fake.openCalls === 0);
  });

  it('fails a read the server stops answering as unavailable, and ends its call', async () => {
    const stream = uniqueStream('silent');
    await store.append(stream, events(1), 'no_stream');
    fake.stallReads = true;

    const streamRead = await collect(store.readStream(stream)).catch((e: unknown) => e);
    const allRead = await store.readAll({ maxCount: 10 }).catch((e: unknown) => e);

    expect(streamRead).toBeInstanceOf(EventStoreUnavailableError);
    expect(allRead).toBeInstanceOf(EventStoreUnavailableError);
    await waitFor('the stalled calls to be cancelled', () => fake.openCalls === 0);
  });

  it.each([
    ['a stream reset', status.INTERNAL, 'Received RST_STREAM with code 2 (Internal server error)'],
    ['a node not ready', status.UNKNOWN, 'Server Is Not Ready'],
    ['a node too busy', status.UNKNOWN, 'Server Is Too Busy'],
    ['an unavailable node', status.UNAVAILABLE, 'connection lost'],
  ])('reports %s as unavailable (retryable)', async (_what, code, details) => {
    fake.failNext({ code, details, method: 'read' });
    const error = await collect(store.readStream(uniqueStream('s'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(String(error)).toContain(details); // the server's answer, not the read timeout
  });

  it('reads the stream a command decides on from the leader', async () => {
    const stream = uniqueStream('leader');
    await store.append(stream, events(1), 'no_stream');
    await collect(store.readStream(stream));

    const reads = fake.calls.filter((c) => c.method === 'read' && c.stream === stream);
    expect(reads.length).toBeGreaterThanOrEqual(2); // the append's tail read, then this one
    expect(reads.every((c) => c.requiresLeader)).toBe(true);
  });
});

describe(`EsdbEventStore and events it did not write ${FAKE}`, () => {
  let fake: FakeEventStoreDb;
  let store: EsdbEventStore;
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    fake = await FakeEventStoreDb.start();
    store = EsdbEventStore.fromConnectionString(fake.connectionString);
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warn.mockRestore();
    await store.close();
    await fake.stop();
  });

  /** Three events other clients wrote: no metadata, binary data, JSON that is not an object. */
  function writeForeignEvents(): void {
    fake.writeForeign('other-app', { id: randomUUID(), type: 'NoMetadata' });
    fake.writeForeign('other-app', {
      id: randomUUID(),
      type: 'Binary',
      contentType: 'application/octet-stream',
      data: new Uint8Array([0xff, 0xfe, 0x00]),
      metadata: Buffer.from('{}'),
    });
    fake.writeForeign('other-app', {
      id: randomUUID(),
      type: 'ArrayData',
      data: Buffer.from('[1,2]'),
      metadata: Buffer.from('{}'),
    });
  }

  function skippedLines(): string[] {
    return warn.mock.calls
      .map(([line]) => String(line))
      .filter((l) => l.startsWith('skipped foreign event'));
  }

  it('skips and logs them in $all pages, and goes on to the events after', async () => {
    const stream = uniqueStream('ours');
    await store.append(stream, events(1), 'no_stream');
    writeForeignEvents();
    await store.append(stream, events(2), 0);

    const page = await store.readAll({ maxCount: 10 });

    expect(page.map((e) => [e.streamId, e.revision])).toEqual([
      [stream, 0],
      [stream, 1],
      [stream, 2],
    ]);
    expect(skippedLines()).toHaveLength(3);
    expect(skippedLines()[0]).toContain('"streamId":"other-app"');
  });

  it('lets a subscription deliver the events after them', async () => {
    writeForeignEvents();
    const stream = uniqueStream('ours');
    await store.append(stream, events(2), 'no_stream');
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];

    const subscription = store.subscribeToAll(
      {},
      async (event) => void seen.push(event),
      (error) => errors.push(error),
    );
    try {
      await waitFor('our events', () => seen.length === 2);
    } finally {
      await subscription.stop();
    }

    expect(errors).toEqual([]);
    expect(seen.map((e) => e.streamId)).toEqual([stream, stream]);
    expect(skippedLines().length).toBeGreaterThanOrEqual(3);
  });

  it('refuses to append after one rather than guess where the hash chain goes on', async () => {
    const stream = uniqueStream('mixed');
    await store.append(stream, events(1), 'no_stream');
    fake.writeForeign(stream, { id: randomUUID(), type: 'NoMetadata' });

    await expect(store.append(stream, events(1), 1)).rejects.toThrow(/hash chain has no base/);
    await expect(store.append(stream, events(1), 'any')).rejects.toThrow(/hash chain has no base/);
    expect(fake.log.head(stream)).toBe(1);
  });
});

describe(`EsdbEventStore subscriptions ${FAKE}`, () => {
  it('ends the feed’s call when the handler throws', async () => {
    const fake = await FakeEventStoreDb.start();
    const store = EsdbEventStore.fromConnectionString(fake.connectionString);
    try {
      await store.append(uniqueStream('s'), events(2), 'no_stream');
      const errors: unknown[] = [];
      store.subscribeToAll(
        {},
        async () => {
          throw new Error('projection failed');
        },
        (error) => errors.push(error),
      );
      await waitFor('the error report', () => errors.length === 1);
      await waitFor('the subscription call to end', () => fake.openCalls === 0);
    } finally {
      await store.close();
      await fake.stop();
    }
  });
});
