import { type Connection } from 'mongoose';
import type { Plan } from '@ledger/domain';
import type {
  ConnectionFilter,
  WorkspaceReadModel,
  ConnectionView,
  ReadModelChange,
} from '../workspace-read-model.port';
import { toEpochMs } from '../instants';
import { MongoCheckpoints } from '@ledger/event-store/feed';
import {
  CHECKPOINTS_COLLECTION,
  connectionKey,
  readModelModels,
  toView,
  type ReadModelModels,
} from './models';
import { connectMongo, type MongoLocation } from '@ledger/stores';
import { upsertUnlessSeen } from './upsert-unless-seen';
import type { CampaignView, PostsPage, PostView } from '../publishing/publishing-read-model.port';
import { MongoPublishingCollections } from './mongo-publishing-collections';

export type MongoWorkspaceReadModelOptions = MongoLocation;

type Checkpoint = { projection: string; position: string };

/**
 * The connections read model in MongoDB (used when MONGODB_URI is set). No multi-document
 * transactions (FerretDB has none, and they would cost a replica set): every write is guarded
 * by the row's last applied `streamRevision`, so applying an event twice is a no-op, and the
 * checkpoint is written last. A crash between the two only replays events, harmlessly.
 */
export class MongoWorkspaceReadModel implements WorkspaceReadModel {
  private constructor(
    private readonly connection: Connection,
    private readonly ownsConnection: boolean,
    private readonly models: ReadModelModels,
    private readonly checkpoints: MongoCheckpoints,
    private readonly publishing: MongoPublishingCollections,
  ) {}

  /** Connects (or adopts a connection, which the caller keeps and closes) and ensures indexes. */
  static async open(options: MongoWorkspaceReadModelOptions): Promise<MongoWorkspaceReadModel> {
    const { connection, owned: owns } = await connectMongo(options);
    try {
      const models = readModelModels(connection);
      await Promise.all(Object.values(models).map((model) => model.createIndexes()));
      const checkpoints = await MongoCheckpoints.open(connection, CHECKPOINTS_COLLECTION);
      const publishing = await MongoPublishingCollections.open(connection, () =>
        checkpoints.dropAll(),
      );
      return new MongoWorkspaceReadModel(connection, owns, models, checkpoints, publishing);
    } catch (error) {
      if (owns) await connection.close();
      throw error;
    }
  }

  async apply(changes: ReadModelChange[], checkpoint: Checkpoint): Promise<void> {
    // In order: two changes of one event may touch one row only through distinct revisions.
    for (const change of changes) await this.applyOne(change);
    await this.checkpoints.advance(checkpoint.projection, checkpoint.position);
  }

  private async applyOne(change: ReadModelChange): Promise<void> {
    const { connections, plans } = this.models;
    const rev = change.streamRevision;
    switch (change.kind) {
      case 'connectionAdded': {
        const c = change.connection;
        const _id = connectionKey(c.workspaceId, c.id);
        await upsertUnlessSeen(() =>
          connections.updateOne(
            { _id, streamRevision: { $lt: rev } },
            {
              $set: {
                ...c,
                connectedAtMs: toEpochMs(c.connectedAt),
                tokenExpiresAtMs: c.tokenExpiresAt === null ? null : toEpochMs(c.tokenExpiresAt),
                streamRevision: rev,
                disconnectedAt: null,
              },
            },
            { upsert: true },
          ),
        );
        return;
      }
      case 'connectionChanged': {
        const set: Record<string, unknown> = { ...change.set, streamRevision: rev };
        if (change.set.tokenExpiresAt !== undefined) {
          set.tokenExpiresAtMs =
            change.set.tokenExpiresAt === null ? null : toEpochMs(change.set.tokenExpiresAt);
        }
        await connections.updateOne(
          {
            _id: connectionKey(change.workspaceId, change.connectionId),
            streamRevision: { $lt: rev },
            disconnectedAt: null,
          },
          { $set: set, $inc: { version: 1 } },
        );
        return;
      }
      case 'connectionRemoved':
        await connections.updateOne(
          {
            _id: connectionKey(change.workspaceId, change.connectionId),
            streamRevision: { $lt: rev },
            disconnectedAt: null,
          },
          { $set: { disconnectedAt: change.at, streamRevision: rev }, $inc: { version: 1 } },
        );
        return;
      case 'planChanged':
        await upsertUnlessSeen(() =>
          plans.updateOne(
            { _id: change.workspaceId, streamRevision: { $lt: rev } },
            { $set: { plan: change.plan, streamRevision: rev } },
            { upsert: true },
          ),
        );
        return;
      default:
        await this.publishing.apply(change);
    }
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async reset(projection: string): Promise<void> {
    // Checkpoint first: a crash midway then rebuilds from scratch, instead of resuming from a
    // checkpoint over half-deleted data.
    await this.checkpoints.drop(projection);
    await this.models.connections.deleteMany({});
    await this.models.plans.deleteMany({});
    await this.publishing.reset();
  }

  async getConnection(workspaceId: string, connectionId: string): Promise<ConnectionView | null> {
    const doc = await this.models.connections
      .findOne({ _id: connectionKey(workspaceId, connectionId), disconnectedAt: null })
      .lean();
    return doc ? toView(doc) : null;
  }

  async listConnections(
    workspaceId: string,
    filter: ConnectionFilter = {},
  ): Promise<ConnectionView[]> {
    const query: Record<string, unknown> = { workspaceId, disconnectedAt: null };
    if (filter.platform) query.platform = filter.platform;
    if (filter.status) query.status = filter.status;
    if (filter.tokenExpiresBefore) {
      query.tokenExpiresAtMs = { $ne: null, $lt: toEpochMs(filter.tokenExpiresBefore) };
    }
    const docs = await this.models.connections.find(query).sort({ connectedAtMs: 1, id: 1 }).lean();
    return docs.map(toView);
  }

  async listTokensExpiringBefore(before: string, limit: number): Promise<ConnectionView[]> {
    const docs = await this.models.connections
      .find({ disconnectedAt: null, tokenExpiresAtMs: { $ne: null, $lt: toEpochMs(before) } })
      .sort({ tokenExpiresAtMs: 1, id: 1 })
      .limit(limit)
      .lean();
    return docs.map(toView);
  }

  async listAllConnections(afterId: string | null, limit: number): Promise<ConnectionView[]> {
    const docs = await this.models.connections
      .find({ disconnectedAt: null, ...(afterId === null ? {} : { id: { $gt: afterId } }) })
      .sort({ id: 1, workspaceId: 1 })
      .limit(limit)
      .lean();
    return docs.map(toView);
  }

  async getPlan(workspaceId: string): Promise<Plan | null> {
    const doc = await this.models.plans.findById(workspaceId).lean();
    return doc?.plan ?? null;
  }

  getPost(workspaceId: string, postId: string): Promise<PostView | null> {
    return this.publishing.getPost(workspaceId, postId);
  }

  listPosts(workspaceId: string, page: PostsPage): Promise<PostView[]> {
    return this.publishing.listPosts(workspaceId, page);
  }

  listCampaigns(workspaceId: string): Promise<CampaignView[]> {
    return this.publishing.listCampaigns(workspaceId);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }
}
