import { type Connection } from 'mongoose';
import type { Platform } from '@ledger/domain';
import { MongoCheckpoints } from '@ledger/event-store/feed';
import type { DuePost, DuePostChange, DuePostsStore, PublishingMarker } from './due-posts.port';
import { connectMongo, isDuplicateKey, type MongoLocation } from '@ledger/stores';

interface DueDoc {
  _id: string;
  workspaceId?: string;
  connectionId?: string;
  platform?: string;
  content?: string | null;
  publishAt?: Date;
  done: boolean;
}

interface MarkerDoc {
  _id: string;
  attempt: string;
  startedAt: string;
  platformPostId: string | null;
}

export const DUE_POSTS_COLLECTION = 'due_posts';
/** Where the checkpoint was kept, one document per name (now read as a floor). */
export const DUE_POSTS_CHECKPOINTS_COLLECTION = 'due_posts_checkpoints';
export const PUBLISHING_MARKERS_COLLECTION = 'publishing_markers';

/**
 * The due-posts index in MongoDB or FerretDB. No write relies on a conditional update being
 * atomic (FerretDB applies a filtered updateOne as a read then a write): a schedule is an
 * insert keyed by post id (a duplicate means it is there already), a removal sets `done` on
 * the post's own document (upserting a tombstone), and the publishing marker is an insert into
 * the unique `_id` index, the one race both servers arbitrate.
 */
export class MongoDuePostsStore implements DuePostsStore {
  private constructor(
    private readonly connection: Connection,
    private readonly owned: boolean,
    private readonly checkpoints: MongoCheckpoints,
  ) {}

  static async open(location: MongoLocation): Promise<MongoDuePostsStore> {
    const { connection, owned } = await connectMongo(location);
    const checkpoints = await MongoCheckpoints.open(connection, DUE_POSTS_CHECKPOINTS_COLLECTION);
    const store = new MongoDuePostsStore(connection, owned, checkpoints);
    await store.posts().createIndex({ done: 1, publishAt: 1, _id: 1 });
    return store;
  }

  private posts() {
    return this.connection.collection<DueDoc>(DUE_POSTS_COLLECTION);
  }
  private markers() {
    return this.connection.collection<MarkerDoc>(PUBLISHING_MARKERS_COLLECTION);
  }

  async apply(
    changes: DuePostChange[],
    checkpoint: { projection: string; position: string },
  ): Promise<void> {
    for (const change of changes) {
      if (change.kind === 'scheduled') {
        const p = change.post;
        try {
          await this.posts().insertOne({
            _id: p.postId,
            workspaceId: p.workspaceId,
            connectionId: p.connectionId,
            platform: p.platform,
            content: p.content,
            publishAt: new Date(p.publishAt),
            done: false,
          });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // Already there: scheduled before (a replay) or already done (its tombstone).
        }
      } else {
        await this.markDone(change.postId);
        await this.markers().deleteOne({ _id: change.postId });
      }
    }
    // After the changes: a crash between the two only replays idempotent changes.
    await this.checkpoints.advance(checkpoint.projection, checkpoint.position);
  }

  private async markDone(postId: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.posts().updateOne(
          { _id: postId },
          { $set: { done: true, content: null } },
          { upsert: true },
        );
        return;
      } catch (error) {
        // Two upserts raced to insert: the document exists now, so the next update finds it.
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async listDue(before: string, limit: number): Promise<DuePost[]> {
    const docs = await this.posts()
      .find({ done: false, publishAt: { $lte: new Date(before) } })
      .sort({ publishAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({
      postId: doc._id,
      workspaceId: doc.workspaceId ?? '',
      connectionId: doc.connectionId ?? '',
      platform: doc.platform as Platform,
      content: doc.content ?? '',
      publishAt: (doc.publishAt ?? new Date(0)).toISOString(),
    }));
  }

  async reset(projection: string): Promise<void> {
    await this.posts().deleteMany({});
    await this.checkpoints.drop(projection);
  }

  async beginPublishing(marker: Omit<PublishingMarker, 'platformPostId'>): Promise<boolean> {
    try {
      await this.markers().insertOne({
        _id: marker.postId,
        attempt: marker.attempt,
        startedAt: marker.startedAt,
        platformPostId: null,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async completePublishing(postId: string, platformPostId: string): Promise<void> {
    // By _id only, under the post's lease: nobody else writes this marker meanwhile.
    await this.markers().updateOne({ _id: postId }, { $set: { platformPostId } });
  }

  async abandonPublishing(postId: string): Promise<void> {
    await this.markers().deleteOne({ _id: postId });
  }

  async publishingMarker(postId: string): Promise<PublishingMarker | null> {
    const doc = await this.markers().findOne({ _id: postId });
    return doc
      ? {
          postId: doc._id,
          attempt: doc.attempt,
          startedAt: doc.startedAt,
          platformPostId: doc.platformPostId ?? null,
        }
      : null;
  }

  async close(): Promise<void> {
    if (this.owned) await this.connection.close();
  }
}
