import { Schema, type Connection, type Model } from 'mongoose';
import type { PendingSelection, PendingSelectionStore } from './pending-selection';
import { revive } from './sqlite-pending-selection.store';

interface SelectionDoc {
  _id: string;
  /** JSON text: account names may hold characters MongoDB refuses in keys. */
  body: string;
  expiresAt: Date;
}

const MODEL_NAME = 'PendingSelection';
const schema = new Schema<SelectionDoc>(
  {
    _id: { type: String, required: true },
    body: { type: String, required: true },
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

  constructor(connection: Connection) {
    this.model =
      (connection.models[MODEL_NAME] as Model<SelectionDoc> | undefined) ??
      connection.model<SelectionDoc>(MODEL_NAME, schema);
  }

  async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async save(selection: PendingSelection): Promise<void> {
    await this.model.create({
      _id: selection.id,
      body: JSON.stringify(selection),
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
    if (!doc) return null;
    const { deletedCount } = await this.model.deleteOne(filter);
    if (deletedCount !== 1 || doc.expiresAt.getTime() <= now.getTime()) return null;
    return revive(JSON.parse(doc.body) as PendingSelection);
  }

  async purgeExpired(now: Date): Promise<PendingSelection[]> {
    const expired = await this.model.find({ expiresAt: { $lte: now } }).lean<SelectionDoc[]>();
    const purged: PendingSelection[] = [];
    for (const doc of expired) {
      const { deletedCount } = await this.model.deleteOne({ _id: { $eq: doc._id } });
      if (deletedCount === 1) purged.push(revive(JSON.parse(doc.body) as PendingSelection));
    }
    return purged;
  }

  async close(): Promise<void> {
    // The shared connection belongs to the storage module.
  }
}
