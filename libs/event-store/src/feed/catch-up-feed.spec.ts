import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ParkedEvent } from '@ledger/domain';
import { openDurableSqlite } from '@ledger/stores';
import { makeTempDir } from '@ledger/testing/temp-dir';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { catchUpFeed, SharedRun, type FeedFollower, type FollowerStore } from './catch-up-feed';
import { SqliteCheckpoints } from './sqlite-checkpoints';

/**
 * A follower's store on a SQLite file, as the real ones are: what it saw and its checkpoint
 * go in one transaction, and it remembers each apply (to show pages and shared runs).
 */
class SeenStore implements FollowerStore<string> {
  private readonly db: Database.Database;
  private readonly checkpoints: SqliteCheckpoints;

  constructor(file: string) {
    this.db = openDurableSqlite(file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, n INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS applies (n INTEGER PRIMARY KEY, position TEXT NOT NULL);
    `);
    this.checkpoints = new SqliteCheckpoints(this.db, 'checkpoints');
  }

  async getCheckpoint(name: string): Promise<string | null> {
    return this.checkpoints.get(name);
  }

  async apply(
    eventIds: string[],
    { projection, position }: { projection: string; position: string },
  ) {
    this.db
      .transaction(() => {
        const insert = this.db.prepare(
          'INSERT INTO seen (event_id, n) VALUES (?, (SELECT COUNT(*) FROM seen)) ON CONFLICT DO NOTHING',
        );
        for (const id of eventIds) insert.run(id);
        this.db.prepare('INSERT INTO applies (position) VALUES (?)').run(position);
        this.checkpoints.advance(projection, position);
      })
      .immediate();
  }

  /** Event ids seen, in the order they were applied. */
  seen(): string[] {
    return this.db.prepare('SELECT event_id FROM seen ORDER BY n').pluck().all() as string[];
  }

  /** The checkpoint each apply carried. */
  applied(): string[] {
    return this.db.prepare('SELECT position FROM applies ORDER BY n').pluck().all() as string[];
  }

  close(): void {
    this.db.close();
  }
}

const WS = 'ws-catch-up';
const STREAM = `workspace-${WS}`;
const AT = '2030-01-01T09:00:00.000Z';

const anEvent = (type: string, data: Record<string, unknown>): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    actor: { userId: 'u-1', role: 'owner', ip: null, userAgent: null },
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
  },
});

const planChanged = () =>
  anEvent('WorkspacePlanChanged', { workspaceId: WS, plan: 'starter', at: AT });
/** A type no consumer knows: malformed to every follower that reads event data. */
const teleported = () => anEvent('ConnectionTeleported', { workspaceId: WS, at: AT });

describe('catchUpFeed, on the SQLite event store on disk', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let events: SqliteEventStore;
  let store: SeenStore;
  let parked: ParkedEvent[];
  let follower: FeedFollower<string>;

  const open = () => {
    events = new SqliteEventStore({ path: join(dir.path, 'events.db') });
    store = new SeenStore(join(dir.path, 'follower.sqlite'));
    follower = {
      name: 'seen',
      project: (event) => [event.id],
      store,
      onParked: (p) => parked.push(p),
    };
  };
  const close = async () => {
    store.close();
    await events.close();
  };
  /** Appends to the workspace's stream; answers the events as recorded, in feed order. */
  const append = async (...toAppend: EventToAppend[]): Promise<RecordedEvent[]> => {
    const before: RecordedEvent[] = [];
    for await (const e of events.readStream(STREAM)) before.push(e);
    await events.append(STREAM, toAppend, before.length === 0 ? 'no_stream' : before.length - 1);
    const after: RecordedEvent[] = [];
    for await (const e of events.readStream(STREAM)) after.push(e);
    return after.slice(before.length);
  };

  beforeEach(() => {
    dir = makeTempDir('ledger-catch-up-');
    parked = [];
    open();
  });
  afterEach(async () => {
    await close();
    dir.remove();
  });

  it('applies the feed page by page from the checkpoint, and stops at its end', async () => {
    const recorded = await append(...Array.from({ length: 5 }, planChanged));
    const positions = recorded.map((e) => e.position);

    expect(await catchUpFeed(events, follower, { batchSize: 2 })).toEqual({
      position: positions[4],
      events: 5,
    });
    // One apply per page, each carrying its page's last position.
    expect(store.applied()).toEqual([positions[1], positions[3], positions[4]]);
    expect(store.seen()).toEqual(recorded.map((e) => e.id));
    expect(await store.getCheckpoint('seen')).toBe(positions[4]);

    // At the end of the feed: nothing read, nothing applied.
    expect(await catchUpFeed(events, follower, { batchSize: 2 })).toEqual({
      position: positions[4],
      events: 0,
    });
    expect(store.applied()).toHaveLength(3);

    // Later events are taken from the checkpoint on, also when they fill whole pages.
    const more = await append(planChanged(), planChanged());
    expect(await catchUpFeed(events, follower, { batchSize: 2 })).toEqual({
      position: more[1].position,
      events: 2,
    });
    expect(store.seen()).toEqual([...recorded, ...more].map((e) => e.id));
  });

  it('parks a malformed event with its position and goes on past it, without parking it again', async () => {
    const recorded = await append(planChanged(), teleported(), planChanged(), planChanged());

    const result = await catchUpFeed(events, follower, { batchSize: 2 });

    expect(result).toEqual({ position: recorded[3].position, events: 4 });
    expect(store.seen()).toEqual([recorded[0].id, recorded[2].id, recorded[3].id]);
    expect(parked).toEqual([
      {
        consumer: 'seen',
        streamId: STREAM,
        revision: 1,
        position: recorded[1].position,
        eventId: recorded[1].id,
        type: 'ConnectionTeleported',
        reason: expect.any(String),
      },
    ]);
    await catchUpFeed(events, follower, { batchSize: 2 });
    expect(parked).toHaveLength(1);
  });

  it('gives a follower that reads only the envelope every event, malformed or not', async () => {
    const recorded = await append(planChanged(), teleported());
    await catchUpFeed(events, { ...follower, readsEnvelopeOnly: true });
    expect(store.seen()).toEqual(recorded.map((e) => e.id));
    expect(parked).toEqual([]);
  });

  it('resumes from the checkpoint after a restart, applying each event once', async () => {
    const recorded = await append(...Array.from({ length: 5 }, planChanged));
    // A run cut short after its first page (maxPages), then the process goes away.
    expect(await catchUpFeed(events, follower, { batchSize: 2, maxPages: 1 })).toEqual({
      position: recorded[1].position,
      events: 2,
    });
    await close();

    open();
    expect(await catchUpFeed(events, follower, { batchSize: 2 })).toEqual({
      position: recorded[4].position,
      events: 3,
    });
    expect(store.seen()).toEqual(recorded.map((e) => e.id));
    expect(store.applied()).toEqual([
      recorded[1].position,
      recorded[3].position,
      recorded[4].position,
    ]);
  });

  it('ends a run between pages once told to stop', async () => {
    const recorded = await append(...Array.from({ length: 5 }, planChanged));
    let pages = 0;
    const counting: FeedFollower<string> = {
      ...follower,
      store: {
        getCheckpoint: (name) => store.getCheckpoint(name),
        apply: async (changes, checkpoint) => {
          pages += 1;
          await store.apply(changes, checkpoint);
        },
      },
    };
    const result = await catchUpFeed(events, counting, { batchSize: 2, stopped: () => pages >= 2 });
    expect(result).toEqual({ position: recorded[3].position, events: 4 });
  });

  it('shares one run among callers that ask while it is in flight', async () => {
    const recorded = await append(planChanged(), planChanged(), planChanged());
    const shared = new SharedRun(() => catchUpFeed(events, follower));

    const results = await Promise.all([shared.run(), shared.run(), shared.run()]);

    expect(results).toEqual([
      { position: recorded[2].position, events: 3 },
      { position: recorded[2].position, events: 3 },
      { position: recorded[2].position, events: 3 },
    ]);
    // One run: the feed was applied once, not once per caller.
    expect(store.applied()).toEqual([recorded[2].position]);
    await shared.settled();
    // Once it ended, the next caller starts a run of its own.
    expect(await shared.run()).toEqual({ position: recorded[2].position, events: 0 });
  });
});
