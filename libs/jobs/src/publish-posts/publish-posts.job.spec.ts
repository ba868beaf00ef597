import request from 'supertest';
import { WorkspaceCommands, systemContext, type Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import { ConfiguredPlatforms, loadPlatformsConfig } from '@ledger/platforms';
import { DuePostsProjection } from '@ledger/read-models/due-posts';
import type { TokenVault } from '@ledger/token-vault';
import { EVENT_STORE, TOKEN_VAULT } from '@ledger/runtime';
import {
  PUBLIC_BASE_URL,
  startLedgerApp,
  type LedgerTestApp,
  type ReadModelBackend,
} from '@ledger/testing/ledger-app';
import { WorkerStores } from '../testing/worker-stores';
import { PublishPostsJob } from './publish-posts.job';

const HOUR = 60 * 60_000;

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)(
  'the publish posts job (real app, local X API), read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let clock: Clock & { set(at: Date): void };
    const stores = new WorkerStores(() => ledger);
    const WS = 'ws-publish';
    let n = 0;

    /** A worker process of its own: its own lease and due-posts handles, command side and clock. */
    async function worker(holder: string): Promise<PublishPostsJob> {
      const leases = await stores.leases();
      const duePosts = await stores.duePosts();
      const events = ledger.app.get<EventStore>(EVENT_STORE);
      return new PublishPostsJob({
        duePosts,
        projection: new DuePostsProjection(events, duePosts),
        workspaces: new WorkspaceCommands(events),
        vault: ledger.app.get<TokenVault>(TOKEN_VAULT),
        platforms: ConfiguredPlatforms.fromConfig(
          loadPlatformsConfig({ ...ledger.platforms.env, PUBLIC_BASE_URL }),
        ),
        leases: new LeaseKeeper(leases, { clock, holder }),
        clock,
        holder,
      });
    }

    const as = (role: 'owner' | 'editor' | 'auditor') => ledger.token({ [WS]: role });

    async function connectX() {
      n += 1;
      const id = `77${n}`;
      const response = await ledger.connectX(WS, as('owner'), {
        id,
        name: `Publisher ${id}`,
        username: `publisher${id}`,
      });
      return response.body.connections[0] as { id: string };
    }

    async function schedule(connectionId: string, content: string, publishAt: Date) {
      const response = await request(ledger.server)
        .post(`/v1/workspaces/${WS}/posts`)
        .set('Authorization', `Bearer ${as('editor')}`)
        .send({ platform: 'x', connectionId, content, publishAt: publishAt.toISOString() });
      expect(response.status).toBe(201);
      return response.body as { id: string };
    }

    async function postView(postId: string) {
      const response = await request(ledger.server)
        .get(`/v1/workspaces/${WS}/posts`)
        .set('Authorization', `Bearer ${as('editor')}`);
      expect(response.status).toBe(200);
      return (
        response.body as {
          id: string;
          status: string;
          statusReason: string | null;
          platformPostId: string | null;
        }[]
      ).find((p) => p.id === postId);
    }

    /** GET of the connection once its status is no longer `from`, or after 5 s as it is. */
    async function connectionOnceChanged(connectionId: string, from: string) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const response = await request(ledger.server)
          .get(`/v1/workspaces/${WS}/connections/${connectionId}`)
          .set('Authorization', `Bearer ${as('owner')}`);
        if (response.body.status !== from || Date.now() > deadline) return response;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    const tweetsWith = (text: string) =>
      ledger.platforms.x.api.tweets.filter((t) => t.text === text);

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      await request(ledger.server)
        .put(`/v1/workspaces/${WS}/plan`)
        .set('Authorization', `Bearer ${as('owner')}`)
        .send({ plan: 'enterprise' });
      let current = new Date();
      clock = { now: () => current, set: (at) => void (current = at) };
    });
    afterAll(async () => {
      await stores.close();
      await ledger.close();
    });

    it('publishes a due post once with two workers racing, and GET /posts shows it published', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + HOUR);
      const post = await schedule(connection.id, 'Launch day: two workers, one post', publishAt);

      clock.set(new Date(publishAt.getTime() - 60_000));
      expect((await (await worker('early')).runOnce()).has(post.id)).toBe(false);

      clock.set(new Date(publishAt.getTime() + 60_000));
      const [a, b] = await Promise.all([
        (await worker('worker-a')).runOnce(),
        (await worker('worker-b')).runOnce(),
      ]);
      const outcomes = [a.get(post.id), b.get(post.id)];
      expect(outcomes.filter((o) => o === 'published')).toHaveLength(1);
      expect(tweetsWith('Launch day: two workers, one post')).toHaveLength(1);

      const view = await postView(post.id);
      expect(view).toMatchObject({
        status: 'published',
        platformPostId: tweetsWith('Launch day: two workers, one post')[0].id,
      });
      // Later runs leave it alone.
      expect((await (await worker('worker-c')).runOnce()).has(post.id)).toBe(false);
      expect(tweetsWith('Launch day: two workers, one post')).toHaveLength(1);
    });

    it('fails a post due on an expired connection with that reason, without calling X', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 2 * HOUR);
      const post = await schedule(connection.id, 'Never sent: expired', publishAt);
      await new WorkspaceCommands(ledger.app.get<EventStore>(EVENT_STORE)).execute(
        {
          type: 'MarkConnectionExpired',
          workspaceId: WS,
          connectionId: connection.id,
          reason: 'X no longer accepts the token',
          now: new Date().toISOString(),
        },
        systemContext('test'),
      );
      clock.set(new Date(publishAt.getTime() + 1));
      expect((await (await worker('worker-d')).runOnce()).get(post.id)).toBe('failed');
      expect(tweetsWith('Never sent: expired')).toHaveLength(0);
      expect(await postView(post.id)).toMatchObject({
        status: 'failed',
        statusReason: expect.stringMatching(/its connection has expired: reconnect it/),
      });
    });

    it('never publishes a post whose connection was disconnected', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 3 * HOUR);
      const post = await schedule(connection.id, 'Never sent: disconnected', publishAt);
      const disconnect = await request(ledger.server)
        .delete(`/v1/workspaces/${WS}/connections/${connection.id}`)
        .set('Authorization', `Bearer ${as('owner')}`);
      expect(disconnect.status).toBe(200);
      clock.set(new Date(publishAt.getTime() + 1));
      const results = await (await worker('worker-e')).runOnce();
      expect(results.get(post.id)).toBeUndefined();
      expect(tweetsWith('Never sent: disconnected')).toHaveLength(0);
      expect((await postView(post.id))?.status).toBe('failed');
    });

    it('leaves a post scheduled on a 503 and publishes it on a later run', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 4 * HOUR);
      const post = await schedule(connection.id, 'Second time lucky', publishAt);
      ledger.platforms.x.api.failNextTweet({
        status: 503,
        body: {
          title: 'Service Unavailable',
          detail: 'Service Unavailable',
          type: 'about:blank',
          status: 503,
        },
      });
      const job = await worker('worker-f');
      clock.set(new Date(publishAt.getTime() + 1));
      expect((await job.runOnce()).get(post.id)).toBe('transient');
      expect((await postView(post.id))?.status).toBe('scheduled');
      // Backing off: not retried at once.
      expect((await job.runOnce()).get(post.id)).toBe('backing-off');
      clock.set(new Date(publishAt.getTime() + 5 * 60_000));
      expect((await job.runOnce()).get(post.id)).toBe('published');
      expect(tweetsWith('Second time lucky')).toHaveLength(1);
      expect((await postView(post.id))?.status).toBe('published');
    });

    it('fails the post and marks the connection expired when X rejects the token', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 5 * HOUR);
      const post = await schedule(connection.id, 'Token died', publishAt);
      const tokens = await ledger.app
        .get<TokenVault>(TOKEN_VAULT)
        .read({ workspaceId: WS, connectionId: connection.id });
      ledger.platforms.x.api.scriptResponse(tokens!.accessToken, {
        status: 401,
        body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
      });
      clock.set(new Date(publishAt.getTime() + 1));
      expect((await (await worker('worker-g')).runOnce()).get(post.id)).toBe('expired');
      const view = await postView(post.id);
      expect(view).toMatchObject({
        status: 'failed',
        statusReason: expect.stringMatching(/expired/),
      });
      expect(view?.statusReason).not.toContain(tokens!.accessToken);
      // The job's event reaches the read model through the projection, a moment later.
      const current = await connectionOnceChanged(connection.id, 'active');
      expect(current.body).toMatchObject({
        status: 'expired',
        statusReason: expect.stringMatching(/reconnect/),
      });
    });

    it("fails a refused post (duplicate content) with X's reason, connection untouched", async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 6 * HOUR);
      const first = await schedule(connection.id, 'Same words twice', publishAt);
      const second = await schedule(
        connection.id,
        'Same words twice',
        new Date(publishAt.getTime() + 1000),
      );
      clock.set(new Date(publishAt.getTime() + 2000));
      const results = await (await worker('worker-h')).runOnce();
      expect(results.get(first.id)).toBe('published');
      expect(results.get(second.id)).toBe('rejected');
      expect(await postView(second.id)).toMatchObject({
        status: 'failed',
        statusReason: expect.stringMatching(/duplicate content/),
      });
      const current = await request(ledger.server)
        .get(`/v1/workspaces/${WS}/connections/${connection.id}`)
        .set('Authorization', `Bearer ${as('owner')}`);
      expect(current.body.status).toBe('active');
    });

    it('never calls X twice after a crash: records a kept answer, fails an unknown outcome', async () => {
      const connection = await connectX();
      const publishAt = new Date(Date.now() + 7 * HOUR);
      const answered = await schedule(connection.id, 'Crashed before recording', publishAt);
      const unknown = await schedule(connection.id, 'Crashed while sending', publishAt);
      // What a worker that died mid-attempt leaves behind.
      const markers = await stores.duePosts();
      for (const post of [answered, unknown]) {
        await markers.beginPublishing({
          postId: post.id,
          attempt: 'dead#1',
          startedAt: publishAt.toISOString(),
        });
      }
      await markers.completePublishing(answered.id, '1999999999999999999');
      clock.set(new Date(publishAt.getTime() + 1));
      const results = await (await worker('worker-i')).runOnce();
      expect(results.get(answered.id)).toBe('published');
      expect(results.get(unknown.id)).toBe('failed');
      expect(tweetsWith('Crashed before recording')).toHaveLength(0);
      expect(tweetsWith('Crashed while sending')).toHaveLength(0);
      expect(await postView(answered.id)).toMatchObject({
        status: 'published',
        platformPostId: '1999999999999999999',
      });
      expect(await postView(unknown.id)).toMatchObject({
        status: 'failed',
        statusReason: expect.stringMatching(/may or may not be live/),
      });
    });
  },
);
