import { Schema, type Connection, type Model } from 'mongoose';
import type { PendingSelection, PendingSelectionStore } from './pending-selection';
import { revive } from './sqlite-pending-selection.store';

interface SelectionDoc {
  _id: string;
  /** JSON text: account names may hold characters MongoDB refuses in keys. */
  body: string;
  /** Absent on documents written before breach response cancelled selections. */
  workspaceId?: string;
  expiresAt: Date;
}

const MODEL_NAME = 'PendingSelection';
const schema = new Schema<SelectionDoc>(
  {
    _id: { type: String, required: true },
    body: { type: String, required: true },
    workspaceId: { type: String, index: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'pending_selections', versionKey: false, autoIndex: false },
);

/**
 * Pending selections in MongoDB, shared by every API process. `take` reads then deletes, and
 * only the caller whose delete removed the document wins (FerretDB's findOneAndDelete can hand
 * one document to two racing callers).
 */
export class MongoPendingSelectionStore implements PendingSelectionStore {
  private readonly model: Model<SelectionDoc>;

  /** The store on the process's MongoDB connection, its indexes made (docs/decisions/0016). */
  static async open({ mongo }: { mongo: Connection }): Promise<MongoPendingSelectionStore> {
    const store = new MongoPendingSelectionStore(mongo);
    await store.init();
    return store;
  }

  private constructor(connection: Connection) {
    this.model =
      (connection.models[MODEL_NAME] as Model<SelectionDoc> | undefined) ??
      connection.model<SelectionDoc>(MODEL_NAME, schema);
  }

  private async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async save(selection: PendingSelection): Promise<void> {
    await this.model.create({
      _id: selection.id,
      body: JSON.stringify(selection),
      workspaceId: selection.workspaceId,
      expiresAt: selection.expiresAt,
    });
  }

  async find(id: string, now: Date): Promise<PendingSelection | null> {
    const doc = await this.model.findOne({ _id: { $eq: id } }).lean<SelectionDoc>();
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    return revive(JSON.parse(doc.body) as PendingSelection);
  }

  async take(id: string, now: Date): Promise<PendingSelection | null> {
    const filter = { _id: { $eq: id } };
    const doc = await this.model.findOne(filter).lean<SelectionDoc>();
    // An expired one stays: purgeExpired hands it over so its sealed tokens get shredded.
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    const { deletedCount } = await this.model.deleteOne(filter);
    if (deletedCount !== 1) return null;
    return revive(JSON.parse(doc.body) as PendingSelection);
  }

  async purgeExpired(now: Date): Promise<PendingSelection[]> {
    return this.takeEach(
      await this.model.find({ expiresAt: { $lte: now } }).lean<SelectionDoc[]>(),
    );
  }

  async takeWorkspace(workspaceId: string): Promise<PendingSelection[]> {
    const docs = await this.model
      .find({ $or: [{ workspaceId: { $eq: workspaceId } }, { workspaceId: { $exists: false } }] })
      .lean<SelectionDoc[]>();
    // Older documents carry the workspace only in their body.
    return this.takeEach(
      docs.filter((doc) => (JSON.parse(doc.body) as PendingSelection).workspaceId === workspaceId),
    );
  }

  /** Deletes each document and returns those this caller removed (a racing caller gets the rest). */
  private async takeEach(docs: SelectionDoc[]): Promise<PendingSelection[]> {
    const taken: PendingSelection[] = [];
    for (const doc of docs) {
      const { deletedCount } = await this.model.deleteOne({ _id: { $eq: doc._id } });
      if (deletedCount === 1) taken.push(revive(JSON.parse(doc.body) as PendingSelection));
    }
    return taken;
  }

  async close(): Promise<void> {
    // The shared connection belongs to the storage module.
  }
}
