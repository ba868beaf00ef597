import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { collect, events, uniqueStream } from '../contract/contract-helpers';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { EsdbEventStore } from './esdb-event-store';
import { FakeEventStoreDb } from './testing/fake-eventstoredb';

const FAKE = '(fake EventStoreDB over gRPC: no real server here)';

describe(`EsdbEventStore appends ${FAKE}`, () => {
  let fake: FakeEventStoreDb;
  let store: EsdbEventStore;

  beforeEach(async () => {
    fake = await FakeEventStoreDb.start();
    store = EsdbEventStore.fromConnectionString(fake.connectionString);
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
  });

  it('the fake writes a retry sent at the head again, as EventStoreDB 24.10 does', async () => {
    // What the adapter's tail check is for: the bare client duplicates the events.
    const client = EventStoreDBClient.connectionString(fake.connectionString);
    try {
      const stream = uniqueStream('bare');
      const batch = events(2).map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data }));
      await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
      const behind = await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
      const atHead = await client.appendToStream(stream, batch, { expectedRevision: BigInt(1) });

      expect(behind.nextExpectedRevision).toBe(BigInt(1)); // behind the head: recognised
      expect(atHead.nextExpectedRevision).toBe(BigInt(3)); // at the head: written twice
    } finally {
      await client.dispose();
    }
  });

  it('does not write a retry at the head twice, and answers the first result', async () => {
    const stream = uniqueStream('retry');
    const batch = events(2);
    const first = await store.append(stream, batch, 'no_stream');

    const retry = await store.append(stream, batch, 1);

    expect(retry).toEqual(first);
    expect(fake.log.head(stream)).toBe(1);
  });

  it('appends in two calls (the tail, then the write) and takes the position from the reply', async () => {
    const stream = uniqueStream('calls');
    await store.append(stream, events(1), 'no_stream');
    const before = fake.calls.length;

    const result = await store.append(stream, events(3), 0);

    expect(fake.calls.slice(before).map((c) => [c.method, c.count, c.batch])).toEqual([
      ['read', BigInt(3 + 16), undefined],
      ['append', undefined, true],
    ]);
    const read = await collect(store.readStream(stream));
    expect(result).toEqual({ nextExpectedRevision: 3, position: read[3].position });
  });

  it('refuses a stale append from the tail it read, without sending it', async () => {
    const stream = uniqueStream('stale');
    await store.append(stream, events(3), 'no_stream');
    const before = fake.calls.length;

    const error = await store.append(stream, events(1), 0).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 0, actual: 2 });
    expect(fake.calls.slice(before).map((c) => c.method)).toEqual(['read']);
  });

  it('leaves a retry older than the tail it reads to the server’s own id check', async () => {
    const stream = uniqueStream('old-retry');
    const batch = events(2);
    const first = await store.append(stream, batch, 'no_stream');
    await store.append(stream, events(30), 1);

    const retry = await store.append(stream, batch, 'no_stream');

    expect(retry).toEqual(first);
    expect(fake.log.head(stream)).toBe(31);
  });

  it.each([
    ['a stream reset', status.INTERNAL, 'Received RST_STREAM with code 2 (Internal server error)'],
    ['a node not ready', status.UNKNOWN, 'Server Is Not Ready'],
    ['a node too busy', status.UNKNOWN, 'Server Is Too Busy'],
  ])('reports %s on the write as unavailable (retryable)', async (_what, code, details) => {
    fake.failNext({ code, details, method: 'append' });
    const error = await store.append(uniqueStream('s'), events(1), 'no_stream').catch((e) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(String(error)).toContain(details);
  });

  it('refuses a connection string that turns throwOnAppendFailure off', () => {
    expect(() =>
      EsdbEventStore.fromConnectionString(`${fake.connectionString}&throwOnAppendFailure=false`),
    ).toThrow(/throwOnAppendFailure=false is not supported/);
  });
});
