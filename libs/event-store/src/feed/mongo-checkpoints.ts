import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@ledger/stores';
import { comparePositions, isAtOrAfter } from './positions';

/** One position a checkpoint reached; `_id` is [scope, name, position] as JSON. */
interface StepDoc {
  _id: string;
  scope: string;
  name: string;
  position: string;
}

/** How checkpoints were kept before: one document per name, overwritten in place. */
interface LegacyDoc {
  _id: string;
  position: string | null;
}

export const FEED_CHECKPOINTS_COLLECTION = 'feed_checkpoints';

/**
 * The named feed checkpoints of a Mongo store, moved only forwards. FerretDB 1.x applies a
 * filtered update as a read then a write, so no update can compare-and-set; the one atomic
 * step both servers guarantee is an insert into the unique `_id` index. So each position a
 * checkpoint reaches is inserted as a step, the checkpoint is its highest step, and a writer
 * deletes only steps below its own: the highest is never deleted, whoever races.
 *
 * `scope` is the collection the store kept its checkpoints in before (one document per name):
 * it keeps two stores' names apart, and that old document still counts (a floor), so existing
 * data reads on.
 */
export class MongoCheckpoints {
  private constructor(
    private readonly steps: Collection<StepDoc>,
    private readonly legacy: Collection<LegacyDoc>,
    private readonly scope: string,
  ) {}

  static async open(connection: Connection, scope: string): Promise<MongoCheckpoints> {
    const steps = connection.collection<StepDoc>(FEED_CHECKPOINTS_COLLECTION);
    await steps.createIndex({ scope: 1, name: 1 });
    return new MongoCheckpoints(steps, connection.collection<LegacyDoc>(scope), scope);
  }

  async get(name: string): Promise<string | null> {
    const [legacy, steps] = await Promise.all([
      this.legacy.findOne({ _id: name }),
      this.stepsOf(name),
    ]);
    const positions = steps.map((step) => step.position);
    if (legacy?.position) positions.push(legacy.position);
    return positions.reduce<string | null>(
      (highest, p) => (isAtOrAfter(highest, p) ? highest : p),
      null,
    );
  }

  /**
   * Moves `name` to `position` unless it is there or further already. No read first: a step
   * below the highest changes nothing that `get` answers, and the next advance deletes it.
   */
  async advance(name: string, position: string): Promise<void> {
    try {
      await this.steps.insertOne({
        _id: JSON.stringify([this.scope, name, position]),
        scope: this.scope,
        name,
        position,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // another writer reached the same position
    }
    // Steps below ours are history: deleting them never touches the highest step.
    const below = (await this.stepsOf(name))
      .filter((step) => comparePositions(step.position, position) < 0)
      .map((step) => step._id);
    if (below.length > 0) await this.steps.deleteMany({ _id: { $in: below } });
  }

  /** Forgets `name`, for a rebuild from the start of the feed. */
  async drop(name: string): Promise<void> {
    await this.legacy.deleteOne({ _id: name });
    await this.steps.deleteMany({ scope: this.scope, name });
  }

  /** Forgets every checkpoint of this store (a store that must replay the whole feed). */
  async dropAll(): Promise<void> {
    await this.legacy.deleteMany({});
    await this.steps.deleteMany({ scope: this.scope });
  }

  private stepsOf(name: string): Promise<StepDoc[]> {
    return this.steps.find({ scope: this.scope, name }).toArray();
  }
}
