import {
  AccessDeniedError,
  type AllStreamResolvedEvent,
  type Position,
  UnavailableError,
} from '@eventstore/db-client';
import { waitFor } from '../contract/contract-helpers';
import type { RecordedEvent } from '../event-store.port';
import type { EsdbFeed } from './esdb-subscription';
import { EsdbSubscription } from './esdb-subscription';

function resolved(revision: number, type = 'Happened'): AllStreamResolvedEvent {
  const position = { commit: BigInt(100 * (revision + 1)), prepare: BigInt(100 * (revision + 1)) };
  return {
    event: {
      streamId: 's',
      id: `id-${revision}`,
      isJson: true,
      revision: BigInt(revision),
      type,
      created: new Date(0),
      data: {},
      metadata: {},
      position,
    },
    commitPosition: position.commit,
  } as AllStreamResolvedEvent;
}

/** A feed that yields `items` (throwing the errors), then stays open until destroyed. */
function fakeFeed(items: (AllStreamResolvedEvent | Error)[]): EsdbFeed & { destroyed: boolean } {
  let release: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (release = resolve));
  const feed = {
    destroyed: false,
    unsubscribe: async () => undefined,
    destroy: () => {
      feed.destroyed = true;
      release();
    },
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        if (item instanceof Error) throw item;
        yield item;
      }
      await closed;
    },
  };
  return feed;
}

/** Opens the given feeds in turn and records where each was opened from. */
function feeds(...list: ReturnType<typeof fakeFeed>[]) {
  const opens: (Position | undefined)[] = [];
  const open = (from: Position | undefined) => {
    opens.push(from);
    const next = list.shift();
    if (!next) throw new Error('no more feeds');
    return next;
  };
  return { open, opens };
}

const noDelay = () => 0;

describe('EsdbSubscription', () => {
  it('resubscribes after a drop from the last delivered event, without duplicates', async () => {
    const second = fakeFeed([resolved(1), resolved(2)]); // the server repeats event 1
    const { open, opens } = feeds(
      fakeFeed([resolved(0), resolved(1), new UnavailableError()]),
      second,
    );
    const seen: number[] = [];
    const subscription = new EsdbSubscription(
      open,
      null,
      async (e) => void seen.push(e.revision),
      undefined,
      noDelay,
    );

    await waitFor('delivery after the drop', () => seen.length === 3);
    await subscription.stop();

    expect(seen).toEqual([0, 1, 2]);
    expect(opens).toEqual([undefined, { commit: BigInt(200), prepare: BigInt(200) }]);
    expect(second.destroyed).toBe(true);
  });

  it('starts after the given position and skips system events', async () => {
    const { open, opens } = feeds(fakeFeed([resolved(0), resolved(1, '$metadata'), resolved(2)]));
    const seen: RecordedEvent[] = [];
    const subscription = new EsdbSubscription(
      open,
      '100/100',
      async (e) => void seen.push(e),
      undefined,
      noDelay,
    );

    await waitFor('the application event', () => seen.length === 1);
    await subscription.stop();

    expect(opens).toEqual([{ commit: BigInt(100), prepare: BigInt(100) }]);
    expect(seen.map((e) => [e.revision, e.position])).toEqual([[2, '300/300']]);
  });

  it('stops and reports when the handler throws, without resubscribing', async () => {
    const { open, opens } = feeds(fakeFeed([resolved(0), resolved(1)]), fakeFeed([]));
    const failure = new Error('projection failed');
    const errors: unknown[] = [];
    const subscription = new EsdbSubscription(
      open,
      null,
      async () => {
        throw failure;
      },
      (e) => errors.push(e),
      noDelay,
    );

    await waitFor('the error report', () => errors.length === 1);
    await subscription.stop();

    expect(errors).toEqual([failure]);
    expect(opens).toHaveLength(1);
  });

  it('gives up on an error that retrying cannot fix', async () => {
    const denied = new AccessDeniedError();
    const { open, opens } = feeds(fakeFeed([denied]), fakeFeed([]));
    const errors: unknown[] = [];
    const subscription = new EsdbSubscription(
      open,
      null,
      async () => undefined,
      (e) => errors.push(e),
      noDelay,
    );

    await waitFor('the error report', () => errors.length === 1);
    await subscription.stop();

    expect(errors).toEqual([denied]);
    expect(opens).toHaveLength(1);
  });
});
