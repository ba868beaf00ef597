import { Schema, type Connection, type Model } from 'mongoose';
import type { Platform } from '@ledger/domain';
import {
  PendingAuthorizationExistsError,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { isDuplicateKey } from '@ledger/stores';

interface PendingDocument {
  _id: string;
  platform: string;
  userId: string;
  workspaceId: string;
  intent: PendingAuthorization['intent'];
  codeVerifier: string | null;
  createdAt: Date;
  expiresAt: Date;
  actor: PendingAuthorization['actor'];
  browserBindingHash: string | null;
}

const schema = new Schema<PendingDocument>(
  {
    _id: { type: String, required: true },
    platform: { type: String, required: true },
    userId: { type: String, required: true },
    workspaceId: { type: String, required: true },
    intent: { type: Schema.Types.Mixed, required: true },
    codeVerifier: { type: String, default: null },
    createdAt: { type: Date, required: true },
    // A plain index, not TTL: FerretDB has no TTL indexes, and `save` sweeps anyway.
    expiresAt: { type: Date, required: true, index: true },
    actor: { type: Schema.Types.Mixed, required: true },
    browserBindingHash: { type: String, default: null },
  },
  { versionKey: false, minimize: false, autoIndex: false },
);

/**
 * Pending authorizations in MongoDB (or FerretDB). Of two racing takes, from any
 * processes, exactly one gets the entry: the one whose delete removed it.
 */
export class MongoPendingAuthorizationStore implements PendingAuthorizationStore {
  private readonly model: Model<PendingDocument>;

  /** The store on the process's MongoDB connection, its indexes made (docs/decisions/0016). */
  static async open({
    mongo,
    collection,
  }: {
    mongo: Connection;
    collection?: string;
  }): Promise<MongoPendingAuthorizationStore> {
    const store = new MongoPendingAuthorizationStore(mongo, collection);
    await store.ensureIndexes();
    return store;
  }

  private constructor(connection: Connection, collection = 'oauth_pending_authorizations') {
    this.model =
      (connection.models[collection] as Model<PendingDocument> | undefined) ??
      connection.model<PendingDocument>(collection, schema, collection);
  }

  /** Creates the expiry index; call once at startup. */
  private async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }

  async save(pending: PendingAuthorization): Promise<void> {
    // Abandoned flows would otherwise pile up; sweeping on write keeps the collection small.
    await this.model.deleteMany({ expiresAt: { $lte: pending.createdAt } });
    try {
      await this.model.create({
        _id: pending.state,
        platform: pending.platform,
        userId: pending.userId,
        workspaceId: pending.workspaceId,
        intent: pending.intent,
        codeVerifier: pending.codeVerifier,
        createdAt: pending.createdAt,
        expiresAt: pending.expiresAt,
        actor: pending.actor,
        browserBindingHash: pending.browserBindingHash,
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw new PendingAuthorizationExistsError();
      throw error;
    }
  }

  async take(state: string, now: Date): Promise<PendingAuthorization | null> {
    const filter = { _id: { $eq: state } };
    const doc = await this.model.findOne(filter).lean<PendingDocument>();
    if (!doc) return null;
    // The delete decides the winner, not the read: FerretDB's findOneAndDelete hands the
    // same document to two racing callers, while a delete removes it for exactly one.
    const { deletedCount } = await this.model.deleteOne(filter);
    if (deletedCount !== 1 || doc.expiresAt.getTime() <= now.getTime()) return null;
    return {
      state: doc._id,
      platform: doc.platform as Platform,
      userId: doc.userId,
      workspaceId: doc.workspaceId,
      intent: doc.intent,
      codeVerifier: doc.codeVerifier ?? null,
      createdAt: doc.createdAt,
      expiresAt: doc.expiresAt,
      actor: doc.actor,
      browserBindingHash: doc.browserBindingHash ?? null,
    };
  }

  async cancelWorkspace(workspaceId: string): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ workspaceId: { $eq: workspaceId } });
    return deletedCount;
  }
}
