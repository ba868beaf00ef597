import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type {
  Claimant,
  ClaimOutcome,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.port';
import { isDuplicateKey } from '@ledger/stores';

interface RecordDoc {
  _id: string;
  fingerprint: string;
  token: string;
  state: 'in_flight' | 'completed';
  /** JSON text: response bodies may hold keys MongoDB refuses (`$x`, `a.b`). */
  response?: string;
  expiresAt: Date;
  /** The claiming process's instance id (absent on records written before it was kept). */
  holder?: string;
}

const MODEL_NAME = 'IdempotencyRecord';

const schema = new Schema<RecordDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    token: { type: String, required: true },
    state: { type: String, required: true, enum: ['in_flight', 'completed'] },
    response: { type: String },
    expiresAt: { type: Date, required: true, index: true },
    holder: { type: String },
  },
  { collection: 'idempotency_records', versionKey: false, autoIndex: false },
);

/** Who won the replacement of one record: `_id` is `[record id, the old record's token]`. */
interface TakeoverDoc {
  _id: string;
  expiresAt: Date;
}

const TAKEOVER_MODEL_NAME = 'IdempotencyTakeover';

const takeoverSchema = new Schema<TakeoverDoc>(
  {
    _id: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'idempotency_takeovers', versionKey: false, autoIndex: false },
);

/**
 * IdempotencyStore in MongoDB, shared by every API process. The unique `_id` makes the claim
 * an insert-or-fail. Replacing a record (expired, or an in-flight claim whose holder died) is
 * decided by an insert too: FerretDB 1.x runs a filtered delete as a read then a delete by
 * `_id`, so racing claimants that all saw the old record could each delete the claim another
 * had just made, and two would run. Only the claimant that inserts the takeover marker for the
 * old record's token deletes it; the others answer in flight.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly model: Model<RecordDoc>;
  private readonly takeovers: Model<TakeoverDoc>;

  /** The store on the process's MongoDB connection, its indexes made (docs/decisions/0016). */
  static async open({ mongo }: { mongo: Connection }): Promise<MongoIdempotencyStore> {
    const store = new MongoIdempotencyStore(mongo);
    await store.init();
    return store;
  }

  private constructor(connection: Connection) {
    this.model =
      (connection.models[MODEL_NAME] as Model<RecordDoc> | undefined) ??
      connection.model<RecordDoc>(MODEL_NAME, schema);
    this.takeovers =
      (connection.models[TAKEOVER_MODEL_NAME] as Model<TakeoverDoc> | undefined) ??
      connection.model<TakeoverDoc>(TAKEOVER_MODEL_NAME, takeoverSchema);
  }

  /** Creates the expiry indexes (the unique `_id` index always exists). */
  private async init(): Promise<void> {
    await this.model.createIndexes();
    await this.takeovers.createIndexes();
  }

  async claim(
    id: string,
    fingerprint: string,
    now: Date,
    leaseUntil: Date,
    claimant?: Claimant,
  ): Promise<ClaimOutcome> {
    // Further rounds cover a record that expires or is released between the insert and the read.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const token = randomUUID();
      try {
        await this.model.create({
          _id: id,
          fingerprint,
          token,
          state: 'in_flight',
          expiresAt: leaseUntil,
          holder: claimant?.holder ?? '',
        });
        return { kind: 'claimed', token };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.model.findById(id).lean<RecordDoc>();
      if (!existing) continue;
      const holderGone =
        existing.state === 'in_flight' &&
        !!existing.holder &&
        !!claimant?.holderIsGone?.(existing.holder);
      if (existing.expiresAt <= now || holderGone) {
        // Expired, or its process died: the one claimant that wins the marker replaces it.
        if (!(await this.winTakeover(id, existing.token, leaseUntil))) {
          return { kind: 'in_flight', fingerprint: existing.fingerprint, leaseUntil };
        }
        await this.model.deleteOne({ _id: id, token: existing.token });
        continue;
      }
      return existing.state === 'completed'
        ? {
            kind: 'completed',
            fingerprint: existing.fingerprint,
            response: JSON.parse(existing.response ?? 'null') as StoredResponse,
          }
        : {
            kind: 'in_flight',
            fingerprint: existing.fingerprint,
            leaseUntil: new Date(existing.expiresAt),
          };
    }
    throw new Error(`Idempotency record ${id} kept changing during the claim`);
  }

  async complete(
    id: string,
    token: string,
    response: StoredResponse,
    expiresAt: Date,
  ): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, token, state: 'in_flight' },
      { $set: { state: 'completed', response: JSON.stringify(response), expiresAt } },
    );
    return result.modifiedCount === 1;
  }

  async renew(id: string, token: string, leaseUntil: Date): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, token, state: 'in_flight' },
      { $set: { expiresAt: leaseUntil } },
    );
    return result.matchedCount === 1;
  }

  async release(id: string, token: string): Promise<void> {
    await this.model.deleteOne({ _id: id, token, state: 'in_flight' });
  }

  async purgeExpired(now: Date): Promise<number> {
    await this.takeovers.deleteMany({ expiresAt: { $lte: now } });
    return (await this.model.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }

  /** True for the one caller whose marker for the old record's `token` went in first. */
  private async winTakeover(id: string, token: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.takeovers.create({ _id: JSON.stringify([id, token]), expiresAt });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }
}
