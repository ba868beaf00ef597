import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type ReadStreamOptions, SqliteEventStore } from '@ledger/event-store';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { handleCommand } from './command-handler';

interface Counted {
  type: 'Counted';
  data: { n: number };
}

const counter = {
  initialState: 0,
  evolve: (state: number, event: Counted) => state + event.data.n,
};

const toAppend = (events: Counted[]) =>
  events.map((e) => ({
    ...e,
    id: randomUUID(),
    metadata: {
      actor: { userId: 'u', role: 'owner', ip: null, userAgent: null },
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
    },
  }));

describe('handleCommand after a conflict', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = makeTempDir('ledger-handler-');
    store = new SqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('reads only the events appended since, and decides on the whole state', async () => {
    const stream = 'counter-1';
    await store.append(
      stream,
      toAppend(Array(5).fill({ type: 'Counted', data: { n: 1 } })),
      'no_stream',
    );
    const reads: ReadStreamOptions[] = [];
    const readStream = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation((id, options) => {
      reads.push(options ?? {});
      return readStream(id, options);
    });
    let raced = false;

    const handled = await handleCommand(
      store,
      stream,
      async (total: number) => {
        if (!raced) {
          raced = true; // another command appends between this load and this append
          await store.append(stream, toAppend([{ type: 'Counted', data: { n: 10 } }]), 4);
        }
        return [{ type: 'Counted', data: { n: total } }];
      },
      counter,
      { toAppend },
    );

    expect(reads.map((r) => r.fromRevision ?? 0)).toEqual([0, 5]);
    expect(handled.events).toEqual([{ type: 'Counted', data: { n: 15 } }]);
    expect(handled).toMatchObject({ state: 30, revision: 6 });
  });
});
