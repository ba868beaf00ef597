import { Schema, type Connection, type Model } from 'mongoose';
import type { CampaignTarget } from '@ledger/domain';
import { toEpochMs } from '../instants';
import {
  postViewOf,
  withFlags,
  type CampaignView,
  type PostsPage,
  type PostView,
  type PublishingChange,
  type StoredFlag,
} from '../publishing/publishing-read-model.port';
import { upsertUnlessSeen } from './upsert-unless-seen';

/** A post, keyed by workspace and post id; `streamRevision` guards replays. */
interface PostDoc extends PostView {
  _id: string;
  publishAtMs: number;
  streamRevision: number;
}

interface CampaignDoc extends Omit<CampaignView, 'flags'> {
  _id: string;
  createdRevision: number;
}

/** One flag, keyed by workspace and the revision of the event that raised it. */
interface FlagDoc extends StoredFlag {
  _id: string;
  workspaceId: string;
  streamRevision: number;
}

const options = { versionKey: false, autoIndex: false, autoCreate: false } as const;
const nullableString = { type: String, default: null };
const text = { type: String, required: true };
const integer = { type: Number, required: true };

const postSchema = new Schema<PostDoc>(
  {
    _id: String,
    id: text,
    workspaceId: text,
    platform: text,
    connectionId: text,
    content: text,
    publishAt: text,
    publishAtMs: integer,
    campaignId: nullableString,
    status: text,
    statusReason: nullableString,
    platformPostId: nullableString,
    scheduledAt: text,
    updatedAt: text,
    streamRevision: integer,
  },
  { ...options, collection: 'rm_posts' },
);
// GET /posts: by workspace, by publishAt then id, with or without a status.
postSchema.index({ workspaceId: 1, publishAtMs: 1, id: 1 });
postSchema.index({ workspaceId: 1, status: 1, publishAtMs: 1, id: 1 });

const campaignSchema = new Schema<CampaignDoc>(
  {
    _id: String,
    id: text,
    workspaceId: text,
    name: text,
    targets: [new Schema({ platform: String, connectionId: nullableString }, { _id: false })],
    createdAt: text,
    createdRevision: integer,
  },
  { ...options, collection: 'rm_campaigns' },
);
campaignSchema.index({ workspaceId: 1, createdRevision: 1 });

const flagSchema = new Schema<FlagDoc>(
  {
    _id: String,
    workspaceId: text,
    streamRevision: integer,
    campaignId: text,
    connectionId: text,
    reason: text,
    at: text,
  },
  { ...options, collection: 'rm_campaign_flags' },
);
flagSchema.index({ workspaceId: 1, streamRevision: 1 });

/** `_id` of a document of one workspace: unambiguous whatever characters the parts hold. */
const keyIn = (workspaceId: string, part: string | number): string =>
  JSON.stringify([workspaceId, part]);

/**
 * The posts and campaigns part of MongoWorkspaceReadModel. Without transactions, each write
 * is idempotent on its own: posts are guarded by `streamRevision`, a campaign is inserted once
 * ($setOnInsert), a flag is an insert keyed by its event's revision.
 */
export class MongoPublishingCollections {
  private constructor(
    private readonly posts: Model<PostDoc>,
    private readonly campaigns: Model<CampaignDoc>,
    private readonly flags: Model<FlagDoc>,
  ) {}

  /**
   * The models on `connection` (registered once even when several stores share it), indexed.
   * `forgetCheckpoints` drops the store's checkpoints (see the comment).
   */
  static async open(
    connection: Connection,
    forgetCheckpoints: () => Promise<void>,
  ): Promise<MongoPublishingCollections> {
    if (!connection.db) throw new Error('the read model connection is not open');
    const isNew = !(await connection.db.listCollections({ name: 'rm_posts' }).hasNext());
    const model = <T>(name: string, schema: Schema<T>): Model<T> =>
      (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
    const collections = new MongoPublishingCollections(
      model('ReadModelPost', postSchema),
      model('ReadModelCampaign', campaignSchema),
      model('ReadModelCampaignFlag', flagSchema),
    );
    await Promise.all(
      [collections.posts, collections.campaigns, collections.flags].map((m) => m.createIndexes()),
    );
    // A database written before posts were kept has a checkpoint past post events these
    // collections never saw: replaying from the start fills them; other rows skip what they saw.
    if (isNew) await forgetCheckpoints();
    return collections;
  }

  async apply(change: PublishingChange): Promise<void> {
    const rev = change.streamRevision;
    switch (change.kind) {
      case 'postScheduled': {
        const p = change.post;
        const _id = keyIn(p.workspaceId, p.id);
        await upsertUnlessSeen(() =>
          this.posts.updateOne(
            { _id, streamRevision: { $lt: rev } },
            { $set: { ...p, publishAtMs: toEpochMs(p.publishAt), streamRevision: rev } },
            { upsert: true },
          ),
        );
        return;
      }
      case 'postSettled': {
        const set: Record<string, unknown> = {
          status: change.status,
          updatedAt: change.at,
          streamRevision: rev,
        };
        // Null keeps the value, as in the SQLite store.
        if (change.statusReason !== null) set.statusReason = change.statusReason;
        if (change.platformPostId !== null) set.platformPostId = change.platformPostId;
        await this.posts.updateOne(
          { _id: keyIn(change.workspaceId, change.postId), streamRevision: { $lt: rev } },
          { $set: set },
        );
        return;
      }
      case 'campaignCreated': {
        const c = change.campaign;
        await upsertUnlessSeen(() =>
          this.campaigns.updateOne(
            { _id: keyIn(c.workspaceId, c.id) },
            { $setOnInsert: { ...c, createdRevision: rev } },
            { upsert: true },
          ),
        );
        return;
      }
      case 'campaignFlagged':
        await upsertUnlessSeen(() =>
          this.flags.create({
            _id: keyIn(change.workspaceId, rev),
            workspaceId: change.workspaceId,
            streamRevision: rev,
            campaignId: change.campaignId,
            ...change.flag,
          }),
        );
        return;
    }
  }

  async reset(): Promise<void> {
    await this.posts.deleteMany({});
    await this.campaigns.deleteMany({});
    await this.flags.deleteMany({});
  }

  async getPost(workspaceId: string, postId: string): Promise<PostView | null> {
    const doc = await this.posts.findById(keyIn(workspaceId, postId)).lean();
    return doc ? postViewOf(doc) : null;
  }

  async listPosts(workspaceId: string, { status, after, limit }: PostsPage): Promise<PostView[]> {
    const query: Record<string, unknown> = { workspaceId };
    if (status) query.status = status;
    if (after) {
      const ms = toEpochMs(after[0]);
      query.$or = [{ publishAtMs: { $gt: ms } }, { publishAtMs: ms, id: { $gt: after[1] } }];
    }
    const docs = await this.posts.find(query).sort({ publishAtMs: 1, id: 1 }).limit(limit).lean();
    return docs.map(postViewOf);
  }

  async listCampaigns(workspaceId: string): Promise<CampaignView[]> {
    const [campaigns, flags] = await Promise.all([
      this.campaigns.find({ workspaceId }).sort({ createdRevision: 1 }).lean(),
      this.flags.find({ workspaceId }).sort({ streamRevision: 1 }).lean(),
    ]);
    return withFlags(
      campaigns.map((c) => ({
        id: c.id,
        workspaceId: c.workspaceId,
        name: c.name,
        targets: c.targets.map((t): CampaignTarget => ({
          platform: t.platform,
          connectionId: t.connectionId ?? null,
        })),
        createdAt: c.createdAt,
      })),
      flags,
    );
  }
}
