import type { DuePost, DuePostsStore } from './due-posts.port';

export interface OpenedDuePostsStore {
  store: DuePostsStore;
  /** A second instance on the same database, as another worker process would open it. */
  openAnother(): Promise<DuePostsStore>;
  close(): Promise<void>;
}

const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const P = 'due-posts';

function post(postId: string, minutes: number, workspaceId = 'ws-a'): DuePost {
  return {
    postId,
    workspaceId,
    connectionId: `conn-${workspaceId}`,
    platform: 'x',
    content: `Hello from ${postId}`,
    publishAt: at(minutes),
  };
}

/** What every DuePostsStore adapter must do; each adapter's spec runs it on a real store. */
export function duePostsStoreContract(label: string, open: () => Promise<OpenedDuePostsStore>) {
  describe(`${label} (DuePostsStore contract)`, () => {
    let opened: OpenedDuePostsStore;
    let store: DuePostsStore;
    let other: DuePostsStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      other = await opened.openAnother();
    });
    afterEach(() => opened.close());

    it('lists due posts across workspaces, soonest first, up to the limit, not later ones', async () => {
      await store.apply(
        [
          { kind: 'scheduled', post: post('p3', 30, 'ws-b') },
          { kind: 'scheduled', post: post('p1', 10) },
          { kind: 'scheduled', post: post('p2', 20, 'ws-c') },
          { kind: 'scheduled', post: post('p4', 40) },
        ],
        { projection: P, position: '4' },
      );
      expect(await store.listDue(at(30), 10)).toEqual([
        post('p1', 10),
        post('p2', 20, 'ws-c'),
        post('p3', 30, 'ws-b'),
      ]);
      expect((await other.listDue(at(60), 2)).map((p) => p.postId)).toEqual(['p1', 'p2']);
      expect(await store.listDue(at(5), 10)).toEqual([]);
      expect(await store.getCheckpoint(P)).toBe('4');
    });

    it('removes published and failed posts, and a replay of the feed does not bring them back', async () => {
      const feed = [
        { kind: 'scheduled' as const, post: post('p1', 10) },
        { kind: 'scheduled' as const, post: post('p2', 20) },
        { kind: 'done' as const, postId: 'p1' },
      ];
      await store.apply(feed, { projection: P, position: '3' });
      expect((await store.listDue(at(60), 10)).map((p) => p.postId)).toEqual(['p2']);
      // Replayed (a crash before the checkpoint, a second feeder), and out of order.
      await other.apply([feed[2], ...feed], { projection: P, position: '3' });
      await store.apply([{ kind: 'done', postId: 'p2' }, feed[1]], {
        projection: P,
        position: '5',
      });
      expect(await store.listDue(at(60), 10)).toEqual([]);
    });

    it('keeps its checkpoint from moving backwards', async () => {
      await store.apply([], { projection: P, position: '9' });
      await other.apply([], { projection: P, position: '7' });
      expect(await store.getCheckpoint(P)).toBe('9');
      expect(await store.getCheckpoint('other')).toBeNull();
    });

    it('rebuilds from nothing on reset', async () => {
      await store.apply([{ kind: 'scheduled', post: post('p1', 10) }], {
        projection: P,
        position: '1',
      });
      await store.reset(P);
      expect(await store.getCheckpoint(P)).toBeNull();
      expect(await store.listDue(at(60), 10)).toEqual([]);
    });

    it('grants one publishing marker per post, across instances, until abandoned', async () => {
      const marker = { postId: 'p1', attempt: 'worker-a#1', startedAt: at(10) };
      const results = await Promise.all([
        store.beginPublishing(marker),
        other.beginPublishing({ ...marker, attempt: 'worker-b#2' }),
        store.beginPublishing({ ...marker, attempt: 'worker-c#3' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const held = await other.publishingMarker('p1');
      expect(held).toMatchObject({ postId: 'p1', platformPostId: null });
      await store.completePublishing('p1', '1850000000000000001');
      expect(await other.publishingMarker('p1')).toMatchObject({
        platformPostId: '1850000000000000001',
      });
      await store.abandonPublishing('p1');
      expect(await store.publishingMarker('p1')).toBeNull();
      expect(await other.beginPublishing({ ...marker, attempt: 'worker-b#4' })).toBe(true);
    });

    it('drops the marker once the post is done', async () => {
      await store.apply([{ kind: 'scheduled', post: post('p9', 10) }], {
        projection: P,
        position: '1',
      });
      await store.beginPublishing({ postId: 'p9', attempt: 'w#1', startedAt: at(10) });
      await store.apply([{ kind: 'done', postId: 'p9' }], { projection: P, position: '2' });
      expect(await store.publishingMarker('p9')).toBeNull();
    });
  });
}
