import type { WorkspaceEvent } from '@ledger/domain';
import type { WorkspaceReadModel, ReadModelChange } from '../workspace-read-model.port';
import type { PostView } from '../publishing/publishing-read-model.port';
import {
  campaignCreated,
  campaignFlagged,
  connected,
  disconnected,
  postFailed,
  postPublished,
  postScheduled,
} from '../testing/workspace-events';

/** What the connections contract lends these cases: its store, workspace and projection. */
export interface PublishingContractContext {
  store(): WorkspaceReadModel;
  /** Another store instance on the same database. */
  open(): Promise<WorkspaceReadModel>;
  ws(): string;
  projection(): string;
  /** The changes of `events` as revisions first, first+1, ... of the workspace stream. */
  changesOf(events: WorkspaceEvent[], first?: number): ReadModelChange[];
}

const T0 = '2025-01-10T08:00:00.000Z';
const T1 = '2025-01-11T08:00:00.000Z';
const T2 = '2025-01-12T08:00:00.000Z';
const JAN = '2027-01-01T09:00:00.000Z';
const FEB = '2027-02-01T09:00:00.000Z';
const MAR = '2027-03-01T09:00:00.000Z';

/** Posts and campaigns, kept by the same store and checkpoint as the connections. */
export function describePublishingContract(ctx: PublishingContractContext): void {
  const apply = (changes: ReadModelChange[], position = '1', into = ctx.store()) =>
    into.apply(changes, { projection: ctx.projection(), position });
  const ids = (posts: PostView[]) => posts.map((p) => p.id);
  const allPosts = (ws = ctx.ws()) => ctx.store().listPosts(ws, { after: null, limit: 1000 });

  describe('posts', () => {
    it('reads back every field of a scheduled post, from get and from list', async () => {
      const ws = ctx.ws();
      await apply(
        ctx.changesOf([
          connected(ws, 'c1', T0),
          campaignCreated(
            ws,
            'camp-1',
            'Launch',
            [{ platform: 'facebook', connectionId: null }],
            T0,
          ),
          postScheduled(ws, 'p1', JAN, T1, { content: 'Hello 👋', campaignId: 'camp-1' }),
        ]),
      );
      const expected: PostView = {
        id: 'p1',
        workspaceId: ws,
        platform: 'facebook',
        connectionId: 'c1',
        content: 'Hello 👋',
        publishAt: JAN,
        campaignId: 'camp-1',
        status: 'scheduled',
        statusReason: null,
        platformPostId: null,
        scheduledAt: T1,
        updatedAt: T1,
      };
      expect(await ctx.store().getPost(ws, 'p1')).toStrictEqual(expected);
      expect(await allPosts()).toStrictEqual([expected]);
      expect(await ctx.store().getPost(ws, 'missing')).toBeNull();
      expect(await ctx.store().getPost(`${ws}-other`, 'p1')).toBeNull();
      expect(await allPosts(`${ws}-other`)).toEqual([]);
    });

    it('shows a published post with its platform id, and a failed one with its reason', async () => {
      const ws = ctx.ws();
      await apply(
        ctx.changesOf([
          postScheduled(ws, 'live', JAN, T0),
          postScheduled(ws, 'broken', FEB, T0),
          postPublished(ws, 'live', 'fb-post-9', T1),
          postFailed(ws, 'broken', 'the platform refused it', T2),
        ]),
      );
      expect(await ctx.store().getPost(ws, 'live')).toMatchObject({
        status: 'published',
        platformPostId: 'fb-post-9',
        statusReason: null,
        scheduledAt: T0,
        updatedAt: T1,
      });
      expect(await ctx.store().getPost(ws, 'broken')).toMatchObject({
        status: 'failed',
        statusReason: 'the platform refused it',
        platformPostId: null,
        updatedAt: T2,
      });
    });

    it('ignores an outcome for a post it does not know', async () => {
      await apply(ctx.changesOf([postPublished(ctx.ws(), 'ghost', 'x', T0)]));
      expect(await allPosts()).toEqual([]);
      expect(await ctx.store().getCheckpoint(ctx.projection())).toBe('1');
    });

    it('lists by publishAt as time then id, pages after a place, and filters by status', async () => {
      const ws = ctx.ws();
      await apply(
        ctx.changesOf([
          postScheduled(ws, 'mar', MAR, T0),
          postScheduled(ws, 'jan-b', JAN, T0),
          postScheduled(ws, 'feb', FEB, T0),
          postScheduled(ws, 'jan-a', JAN, T0),
          // The same instant as JAN, spelt with an offset: it sorts with them, by id.
          postScheduled(ws, 'jan-c', '2027-01-01T10:00:00+01:00', T0),
          postFailed(ws, 'feb', 'r', T1),
        ]),
      );
      expect(ids(await allPosts())).toEqual(['jan-a', 'jan-b', 'jan-c', 'feb', 'mar']);
      const store = ctx.store();
      const first = await store.listPosts(ws, { after: null, limit: 2 });
      expect(ids(first)).toEqual(['jan-a', 'jan-b']);
      const second = await store.listPosts(ws, { after: [JAN, 'jan-b'], limit: 2 });
      expect(ids(second)).toEqual(['jan-c', 'feb']);
      const last = await store.listPosts(ws, { after: [FEB, 'feb'], limit: 2 });
      expect(ids(last)).toEqual(['mar']);
      const scheduled = await store.listPosts(ws, {
        status: 'scheduled',
        after: [JAN, 'jan-b'],
        limit: 10,
      });
      expect(ids(scheduled)).toEqual(['jan-c', 'mar']);
      expect(ids(await store.listPosts(ws, { status: 'failed', after: null, limit: 10 }))).toEqual([
        'feb',
      ]);
      expect(await store.listPosts(ws, { status: 'published', after: null, limit: 10 })).toEqual(
        [],
      );
    });
  });

  describe('campaigns', () => {
    it('lists campaigns in the order they were created, with their targets and no flags', async () => {
      const ws = ctx.ws();
      await apply(
        ctx.changesOf([
          campaignCreated(ws, 'zeta', 'Winter', [{ platform: 'x', connectionId: null }], T0),
          campaignCreated(
            ws,
            'alpha',
            'Spring',
            [
              { platform: 'facebook', connectionId: 'c1' },
              { platform: 'linkedin', connectionId: null },
            ],
            T1,
          ),
        ]),
      );
      expect(await ctx.store().listCampaigns(ws)).toStrictEqual([
        {
          id: 'zeta',
          workspaceId: ws,
          name: 'Winter',
          targets: [{ platform: 'x', connectionId: null }],
          createdAt: T0,
          flags: [],
        },
        {
          id: 'alpha',
          workspaceId: ws,
          name: 'Spring',
          targets: [
            { platform: 'facebook', connectionId: 'c1' },
            { platform: 'linkedin', connectionId: null },
          ],
          createdAt: T1,
          flags: [],
        },
      ]);
      expect(await ctx.store().listCampaigns(`${ws}-other`)).toEqual([]);
    });

    it('after a disconnect shows the flags of the campaigns that used it, and its failed posts', async () => {
      const ws = ctx.ws();
      const reason = 'its facebook account Account c1 was disconnected: choose another account';
      await apply(
        ctx.changesOf([
          connected(ws, 'c1', T0),
          connected(ws, 'c2', T0),
          campaignCreated(ws, 'uses-c1', 'A', [{ platform: 'facebook', connectionId: 'c1' }], T0),
          campaignCreated(ws, 'uses-c2', 'B', [{ platform: 'facebook', connectionId: 'c2' }], T0),
          postScheduled(ws, 'p1', JAN, T0, { connectionId: 'c1', campaignId: 'uses-c1' }),
          // What DisconnectAccount appends for c1, then later for c2.
          disconnected(ws, 'c1', T1),
          postFailed(ws, 'p1', 'its facebook connection was disconnected', T1, 'c1'),
          campaignFlagged(ws, 'uses-c1', 'c1', reason, T1),
          disconnected(ws, 'c2', T2),
          campaignFlagged(ws, 'uses-c2', 'c2', 'c2 gone', T2),
          campaignFlagged(ws, 'uses-c1', 'c2', 'c2 gone', T2),
        ]),
      );
      const campaigns = await ctx.store().listCampaigns(ws);
      expect(campaigns.map(({ id, flags }) => ({ id, flags }))).toEqual([
        {
          id: 'uses-c1',
          flags: [
            { connectionId: 'c1', reason, at: T1 },
            { connectionId: 'c2', reason: 'c2 gone', at: T2 },
          ],
        },
        { id: 'uses-c2', flags: [{ connectionId: 'c2', reason: 'c2 gone', at: T2 }] },
      ]);
      expect(await ctx.store().getPost(ws, 'p1')).toMatchObject({
        status: 'failed',
        statusReason: 'its facebook connection was disconnected',
      });
      expect(await ctx.store().listConnections(ws)).toEqual([]);
    });
  });

  describe('replays and reset', () => {
    const history = (ws: string): WorkspaceEvent[] => [
      connected(ws, 'c1', T0),
      campaignCreated(ws, 'camp', 'C', [{ platform: 'facebook', connectionId: 'c1' }], T0),
      postScheduled(ws, 'p1', JAN, T0),
      postScheduled(ws, 'p2', FEB, T0),
      postPublished(ws, 'p1', 'fb-1', T1),
      disconnected(ws, 'c1', T2),
      postFailed(ws, 'p2', 'disconnected', T2, 'c1'),
      campaignFlagged(ws, 'camp', 'c1', 'gone', T2),
    ];
    const everything = async (store = ctx.store()) => ({
      posts: await store.listPosts(ctx.ws(), { after: null, limit: 1000 }),
      campaigns: await store.listCampaigns(ctx.ws()),
    });

    it('changes nothing when events are applied again, in whole or in part', async () => {
      const changes = ctx.changesOf(history(ctx.ws()));
      await apply(changes, '8');
      const once = await everything();
      await apply(changes, '8');
      await apply(changes.slice(1, 4), '8');
      await apply(changes.slice(6), '8');
      expect(await everything()).toEqual(once);
      expect(once.posts.map(({ id, status }) => ({ id, status }))).toEqual([
        { id: 'p1', status: 'published' },
        { id: 'p2', status: 'failed' },
      ]);
      expect(once.campaigns[0].flags).toHaveLength(1);
    });

    it('does not bring a settled post back to scheduled when its schedule is replayed late', async () => {
      const ws = ctx.ws();
      await apply(ctx.changesOf([postScheduled(ws, 'p1', JAN, T0)], 2));
      await apply(ctx.changesOf([postPublished(ws, 'p1', 'fb-1', T1)], 5));
      await apply(ctx.changesOf([postScheduled(ws, 'p1', JAN, T0)], 2));
      expect(await ctx.store().getPost(ws, 'p1')).toMatchObject({
        status: 'published',
        platformPostId: 'fb-1',
      });
    });

    it('ends in the same state when two instances apply the same events concurrently', async () => {
      const second = await ctx.open();
      const events = history(ctx.ws());
      const run = (instance: WorkspaceReadModel) =>
        (async () => {
          for (const [i, event] of events.entries()) {
            await apply(ctx.changesOf([event], i), String(i + 1), instance);
          }
        })();
      await Promise.all([run(ctx.store()), run(second)]);
      const seen = await everything();
      expect(await everything(second)).toEqual(seen);
      expect(seen.campaigns[0].flags).toEqual([{ connectionId: 'c1', reason: 'gone', at: T2 }]);
      expect(seen.posts.map((p) => p.status)).toEqual(['published', 'failed']);
    });

    it('reset drops posts, campaigns and flags with the checkpoint; a rebuild gives them back', async () => {
      const changes = ctx.changesOf(history(ctx.ws()));
      await apply(changes, '8');
      const before = await everything();
      await ctx.store().reset(ctx.projection());
      expect(await ctx.store().getCheckpoint(ctx.projection())).toBeNull();
      expect(await everything()).toEqual({ posts: [], campaigns: [] });
      expect(await ctx.store().getPost(ctx.ws(), 'p1')).toBeNull();
      await apply(changes, '8');
      expect(await everything()).toEqual(before);
    });
  });
}
