import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type {
  Claimant,
  ClaimOutcome,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.port';

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

const DUPLICATE_KEY = 11000;

/**
 * IdempotencyStore in MongoDB, shared by every API process. The unique `_id` makes the claim
 * an insert-or-fail; an expired record is deleted (only while still expired) before retrying.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly model: Model<RecordDoc>;

  constructor(connection: Connection) {
    this.model =
      (connection.models[MODEL_NAME] as Model<RecordDoc> | undefined) ??
      connection.model<RecordDoc>(MODEL_NAME, schema);
  }

  /** Creates the expiry index (the unique `_id` index always exists). */
  async init(): Promise<void> {
    await this.model.createIndexes();
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
      await this.model.deleteOne({ _id: id, expiresAt: { $lte: now } });
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
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
      const existing = await this.model.findById(id).lean<RecordDoc>();
      if (!existing || existing.expiresAt <= now) continue;
      if (
        existing.state === 'in_flight' &&
        existing.holder &&
        claimant?.holderIsGone?.(existing.holder)
      ) {
        // Its process died: take over as after an expiry (only while that claim is still there).
        await this.model.deleteOne({ _id: id, token: existing.token, state: 'in_flight' });
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
    return (await this.model.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
