import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { MongoCheckpoints } from '@ledger/event-store/feed';
import {
  ABANDONED_ATTEMPT_ERROR,
  assertClaimOptions,
  type AttemptResult,
  type ClaimOptions,
  type DeliveryClaim,
  type DeliveryFailureReason,
  type DeliveryStatus,
  type NewWebhookDelivery,
  type NextDeliveryState,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryStore,
} from '../delivery-store.port';
import type { WebhookEventType } from '../webhook-events';
import { isDuplicateKey } from '@ledger/stores';

/**
 * A delivery. Its `status`, `attemptCount` and `nextAttemptAt` are a cache of its attempts
 * (which decide): they pick the candidates a claim looks at, and a stale cache is repaired by
 * the next claim that reads the attempts.
 */
interface DeliveryDoc {
  _id: string;
  workspaceId: string;
  type: string;
  eventId: string;
  body: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  failureReason: DeliveryFailureReason | null;
}

/**
 * One attempt, inserted when claimed. `_id` is JSON of `[deliveryId, attempt]`: the unique `_id`
 * index lets exactly one claimer insert attempt n of a delivery. Once finished it is not
 * changed again (except by a late report of an attempt already counted abandoned).
 */
interface AttemptDoc {
  _id: string;
  deliveryId: string;
  attempt: number;
  claimant: string;
  at: Date;
  leaseUntil: Date;
  status: number | null;
  error: string | null;
  durationMs: number | null;
  finishedAt: Date | null;
  /** Set when finished: what the delivery became. */
  next: NextDeliveryState['status'] | null;
  nextAttemptAt: Date | null;
  failureReason: DeliveryFailureReason | null;
}

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    type: { type: String, required: true },
    eventId: { type: String, required: true },
    body: { type: String, required: true },
    status: { type: String, required: true },
    attemptCount: { type: Number, required: true },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    failedAt: { type: Date, default: null },
    failureReason: { type: String, default: null },
  },
  { versionKey: false, autoIndex: false, autoCreate: false },
);
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ workspaceId: 1, createdAt: 1 });

const attemptSchema = new Schema<AttemptDoc>(
  {
    _id: { type: String, required: true },
    deliveryId: { type: String, required: true },
    attempt: { type: Number, required: true },
    claimant: { type: String, required: true },
    at: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
    status: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, default: null },
    finishedAt: { type: Date, default: null },
    next: { type: String, default: null },
    nextAttemptAt: { type: Date, default: null },
    failureReason: { type: String, default: null },
  },
  { versionKey: false, autoIndex: false, autoCreate: false },
);
attemptSchema.index({ deliveryId: 1, attempt: -1 });

const attemptId = (deliveryId: string, attempt: number) => JSON.stringify([deliveryId, attempt]);

function model<T>(connection: Connection, name: string, schema: Schema<T>, collection: string) {
  const key = `${name}:${collection}`;
  return (
    (connection.models[key] as Model<T> | undefined) ?? connection.model<T>(key, schema, collection)
  );
}

/**
 * The webhook outbox in MongoDB or FerretDB, without transactions and without trusting a
 * filtered update for exclusion (FerretDB 1.x applies `updateOne({_id, x}, ...)` as a read
 * then a write by `_id`). The one atomic step both servers guarantee is an insert into the
 * unique `_id` index, so:
 *
 * - enqueue inserts the delivery with `_id` = payload id: a second enqueue is a duplicate;
 * - claiming attempt n inserts the attempt `_id = [deliveryId, n]`: one claimer wins. n comes
 *   from the delivery's newest attempt as read; a claimer whose read is stale (someone claimed
 *   or finished since) computes an n that already exists and loses the insert.
 *
 * The newest attempt decides whether a delivery may be claimed: none yet (attempt 1), finished
 * with a retry due, or still unfinished past its lease (its dispatcher died: it is recorded as
 * abandoned and the next attempt goes). Finished-delivered or finished-failed: never again.
 */
export class MongoWebhookDeliveryStore implements WebhookDeliveryStore {
  private constructor(
    private readonly deliveries: Model<DeliveryDoc>,
    private readonly attempts: Model<AttemptDoc>,
    private readonly checkpoints: MongoCheckpoints,
    private readonly ownedConnection: Connection | null,
  ) {}

  /** On a connection the caller owns (and closes); creates the collections and indexes. */
  static async open({
    mongo,
    prefix = 'webhook',
  }: {
    mongo: Connection;
    prefix?: string;
  }): Promise<MongoWebhookDeliveryStore> {
    return MongoWebhookDeliveryStore.init(mongo, prefix, false);
  }

  /** Opens its own connection, closed by close(). */
  static async connect(
    uri: string,
    options: { dbName?: string; prefix?: string } = {},
  ): Promise<MongoWebhookDeliveryStore> {
    const connection = await mongoose
      .createConnection(uri, options.dbName ? { dbName: options.dbName } : {})
      .asPromise();
    return MongoWebhookDeliveryStore.init(connection, options.prefix ?? 'webhook', true);
  }

  private static async init(
    connection: Connection,
    prefix: string,
    owned: boolean,
  ): Promise<MongoWebhookDeliveryStore> {
    const deliveries = model(connection, 'WebhookDelivery', deliverySchema, `${prefix}_deliveries`);
    const attempts = model(connection, 'WebhookAttempt', attemptSchema, `${prefix}_attempts`);
    const prepare = async (m: {
      createCollection(): Promise<unknown>;
      createIndexes(): Promise<unknown>;
    }) => {
      await m.createCollection().catch((error: { codeName?: string }) => {
        if (error.codeName !== 'NamespaceExists') throw error;
      });
      await m.createIndexes();
    };
    await prepare(deliveries);
    await prepare(attempts);
    // The enqueuer's checkpoint, once kept in `${prefix}_checkpoints` (read on as a floor).
    const checkpoints = await MongoCheckpoints.open(connection, `${prefix}_checkpoints`);
    return new MongoWebhookDeliveryStore(
      deliveries,
      attempts,
      checkpoints,
      owned ? connection : null,
    );
  }

  async enqueue(d: NewWebhookDelivery): Promise<boolean> {
    try {
      await this.deliveries.create({
        _id: d.id,
        workspaceId: d.workspaceId,
        type: d.type,
        eventId: d.eventId,
        body: d.body,
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: d.nextAttemptAt,
        createdAt: d.createdAt,
        deliveredAt: null,
        failedAt: null,
        failureReason: null,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async claimDue(options: ClaimOptions): Promise<DeliveryClaim[]> {
    assertClaimOptions(options);
    const { now, limit } = options;
    const claims: DeliveryClaim[] = [];
    let skip = 0;
    // Candidates come in pages; ones we cannot claim (taken by a racer, cache stale) are passed.
    while (claims.length < limit) {
      const pageSize = Math.max(limit * 2, 10);
      const candidates = await this.deliveries
        .find({ status: 'pending', nextAttemptAt: { $lte: now } })
        .sort({ nextAttemptAt: 1, createdAt: 1, _id: 1 })
        .skip(skip)
        .limit(pageSize)
        .lean<DeliveryDoc[]>();
      let claimedHere = 0;
      for (const candidate of candidates) {
        if (claims.length >= limit) break;
        const claim = await this.tryClaim(candidate, options);
        if (claim) {
          claims.push(claim);
          claimedHere += 1;
        }
      }
      if (candidates.length < pageSize) break;
      // What we claimed left the query (its lease moved nextAttemptAt); the rest did not.
      skip += candidates.length - claimedHere;
    }
    return claims;
  }

  private async tryClaim(
    candidate: DeliveryDoc,
    options: ClaimOptions,
  ): Promise<DeliveryClaim | null> {
    const { now, leaseMs, claimant } = options;
    const latest = await this.attempts
      .findOne({ deliveryId: candidate._id })
      .sort({ attempt: -1 })
      .lean<AttemptDoc>();
    let abandoned: AttemptDoc | null = null;
    if (latest) {
      if (latest.finishedAt === null) {
        if (new Date(latest.leaseUntil) > now) return null; // in flight elsewhere
        abandoned = latest;
      } else if (latest.next !== 'pending') {
        await this.repairCache(latest);
        return null;
      } else if (latest.nextAttemptAt && new Date(latest.nextAttemptAt) > now) {
        await this.repairCache(latest);
        return null;
      }
    }
    const attempt = (latest?.attempt ?? 0) + 1;
    const leaseUntil = new Date(now.getTime() + leaseMs);
    try {
      await this.attempts.create({
        _id: attemptId(candidate._id, attempt),
        deliveryId: candidate._id,
        attempt,
        claimant,
        at: now,
        leaseUntil,
        status: null,
        error: null,
        durationMs: null,
        finishedAt: null,
        next: null,
        nextAttemptAt: null,
        failureReason: null,
      });
    } catch (error) {
      if (isDuplicateKey(error)) return null; // another dispatcher claimed it first
      throw error;
    }
    if (abandoned) {
      // Only a record for humans: the insert above is what decided.
      await this.attempts.updateOne(
        { _id: abandoned._id, finishedAt: null },
        { $set: { error: ABANDONED_ATTEMPT_ERROR, finishedAt: now, next: 'pending' } },
      );
    }
    // Cache: not a candidate again before the lease ends.
    await this.deliveries.updateOne(
      { _id: candidate._id, status: 'pending' },
      { $set: { attemptCount: attempt, nextAttemptAt: leaseUntil } },
    );
    return {
      deliveryId: candidate._id,
      workspaceId: candidate.workspaceId,
      type: candidate.type as WebhookEventType,
      eventId: candidate.eventId,
      body: candidate.body,
      attempt,
      claimant,
      at: now,
      leaseUntil,
    };
  }

  async complete(
    claim: DeliveryClaim,
    result: AttemptResult,
    next: NextDeliveryState,
  ): Promise<void> {
    const nextAttemptAt = next.status === 'pending' ? next.nextAttemptAt : null;
    const failureReason = next.status === 'failed' ? next.reason : null;
    // The attempt first: it is what later claims decide on.
    await this.attempts.updateOne(
      { _id: attemptId(claim.deliveryId, claim.attempt) },
      {
        $set: {
          status: result.status,
          error: result.error,
          durationMs: Math.round(result.durationMs),
          finishedAt: result.finishedAt,
          next: next.status,
          nextAttemptAt,
          failureReason,
        },
      },
    );
    await this.writeCache(claim.deliveryId, claim.attempt, next.status, {
      nextAttemptAt,
      failureReason,
      at: result.finishedAt,
    });
  }

  /** Brings the delivery in line with its newest finished attempt. */
  private async repairCache(latest: AttemptDoc): Promise<void> {
    if (latest.next === null || latest.finishedAt === null) return;
    await this.writeCache(latest.deliveryId, latest.attempt, latest.next, {
      nextAttemptAt: latest.nextAttemptAt ? new Date(latest.nextAttemptAt) : null,
      failureReason: latest.failureReason,
      at: new Date(latest.finishedAt),
    });
  }

  private async writeCache(
    deliveryId: string,
    attempt: number,
    status: DeliveryStatus,
    fields: { nextAttemptAt: Date | null; failureReason: DeliveryFailureReason | null; at: Date },
  ): Promise<void> {
    // A report from an attempt older than the newest claimed leaves the delivery to the newer.
    await this.deliveries.updateOne(
      { _id: deliveryId, status: 'pending', attemptCount: { $lte: attempt } },
      {
        $set: {
          status,
          attemptCount: attempt,
          nextAttemptAt: fields.nextAttemptAt,
          deliveredAt: status === 'delivered' ? fields.at : null,
          failedAt: status === 'failed' ? fields.at : null,
          failureReason: fields.failureReason,
        },
      },
    );
  }

  async get(id: string): Promise<WebhookDelivery | null> {
    const doc = await this.deliveries.findById(id).lean<DeliveryDoc>();
    return doc ? this.toDelivery(doc) : null;
  }

  async list(
    workspaceId: string,
    options: { status?: DeliveryStatus; limit?: number } = {},
  ): Promise<WebhookDelivery[]> {
    const docs = await this.deliveries
      .find({ workspaceId, ...(options.status ? { status: options.status } : {}) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(options.limit ?? 100)
      .lean<DeliveryDoc[]>();
    return Promise.all(docs.map((doc) => this.toDelivery(doc)));
  }

  async getCheckpoint(name: string): Promise<string | null> {
    return this.checkpoints.get(name);
  }

  async saveCheckpoint(name: string, position: string): Promise<void> {
    await this.checkpoints.advance(name, position);
  }

  async close(): Promise<void> {
    await this.ownedConnection?.close();
  }

  private async toDelivery(doc: DeliveryDoc): Promise<WebhookDelivery> {
    const attempts = await this.attempts
      .find({ deliveryId: doc._id })
      .sort({ attempt: 1 })
      .lean<AttemptDoc[]>();
    return {
      id: doc._id,
      workspaceId: doc.workspaceId,
      type: doc.type as WebhookEventType,
      eventId: doc.eventId,
      body: doc.body,
      createdAt: new Date(doc.createdAt),
      status: doc.status,
      nextAttemptAt: dateOrNull(doc.nextAttemptAt),
      deliveredAt: dateOrNull(doc.deliveredAt),
      failedAt: dateOrNull(doc.failedAt),
      failureReason: doc.failureReason ?? null,
      attempts: attempts.map((a): WebhookAttempt => ({
        attempt: a.attempt,
        at: new Date(a.at),
        status: a.status ?? null,
        error: a.error ?? null,
        durationMs: a.durationMs ?? null,
        finishedAt: dateOrNull(a.finishedAt),
      })),
    };
  }
}

function dateOrNull(value: Date | null | undefined): Date | null {
  return value ? new Date(value) : null;
}
