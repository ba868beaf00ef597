import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, type Connection, type Model } from 'mongoose';
import {
  assertLimitAndWindow,
  decide,
  type AttemptDecision,
  type ConnectionAttemptKey,
  type ConnectionAttemptLog,
} from './connection-attempt-log.port';
import { isDuplicateKey } from '@ledger/stores';

/**
 * One version of one key's state: the attempts in the window after a recorded attempt. The
 * newest version of a key is its state; older ones wait for the sweep.
 */
interface AttemptsVersionDoc {
  /** JSON of `[workspaceId, userId, version]`: unique per key and version, whatever the ids hold. */
  _id: string;
  /** JSON of `[workspaceId, userId]`. */
  key: string;
  workspaceId: string;
  userId: string;
  version: number;
  /** Attempt times in the window, ascending (at most `limit` of them). */
  attempts: Date[];
  createdAt: Date;
  /** Set once the next version exists; the sweep deletes the version a window later. */
  supersededAt?: Date;
}

const MODEL_NAME = 'ConnectionAttemptsVersion';

const schema = new Schema<AttemptsVersionDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    workspaceId: { type: String, required: true },
    userId: { type: String, required: true },
    version: { type: Number, required: true },
    attempts: { type: [Date], required: true },
    createdAt: { type: Date, required: true },
    supersededAt: { type: Date, index: true },
  },
  { collection: 'connection_attempts', versionKey: false, autoIndex: false },
);
schema.index({ key: 1, version: -1 });

/** Rounds lost to racing writers before giving up; every round, one of the racers wins. */
const MAX_ROUNDS = 200;
/** How often one instance sweeps superseded versions. */
const SWEEP_EVERY_MS = 60_000;

/**
 * ConnectionAttemptLog in MongoDB or FerretDB, shared by every API process, without
 * transactions and without trusting a conditional update: FerretDB 1.x applies
 * `updateOne({_id, version}, ...)` as a read then a write by `_id`, so two racers that read the
 * same version would both "match" (the contract's race tests catch exactly that). The one
 * atomic step both servers guarantee is an insert into the unique `_id` index, so each key's
 * state is a chain of immutable versions and a decision is:
 *
 * 1. read the key's newest version `v` (none: the key's first attempt, `v = -1`);
 * 2. decide on its attempts still in the window; a refusal writes nothing (that version
 *    already held `limit` attempts in the window, and attempts only leave it with time);
 * 3. insert version `v + 1` with the new attempt. Only one racer can insert `v + 1`; the
 *    others get a duplicate-key error and start over from a fresh read.
 *
 * Version ids are never reused while anyone could still be racing for them: the writer of
 * `v + 1` marks `v` superseded, and the sweep deletes superseded versions only a window later.
 * The newest version of a key is never deleted (one small document per user and workspace that
 * ever attempted, holding no more than `limit` dates): deleting it could let a racer who had
 * just read it and a first-attempt racer both win.
 */
export class MongoConnectionAttemptLog implements ConnectionAttemptLog {
  private readonly model: Model<AttemptsVersionDoc>;
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  /** The store on the process's MongoDB connection, its indexes made (docs/decisions/0016). */
  static async open({ mongo }: { mongo: Connection }): Promise<MongoConnectionAttemptLog> {
    const store = new MongoConnectionAttemptLog(mongo);
    await store.init();
    return store;
  }

  private constructor(connection: Connection) {
    this.model =
      (connection.models[MODEL_NAME] as Model<AttemptsVersionDoc> | undefined) ??
      connection.model<AttemptsVersionDoc>(MODEL_NAME, schema);
  }

  /** Creates the indexes: newest version of a key, and superseded versions for the sweep. */
  private async init(): Promise<void> {
    await this.model.createIndexes();
  }

  async recordIfAllowed(
    key: ConnectionAttemptKey,
    now: Date,
    limit: number,
    windowMs: number,
  ): Promise<AttemptDecision> {
    assertLimitAndWindow(limit, windowMs);
    const decision = await this.decideAndRecord(key, now, limit, windowMs);
    if (now.getTime() - this.lastSweepMs >= SWEEP_EVERY_MS) {
      this.lastSweepMs = now.getTime();
      // Best effort, once a minute: the decision stands and a failed sweep runs again later.
      await this.sweepSuperseded(new Date(now.getTime() - windowMs)).catch(() => undefined);
    }
    return decision;
  }

  /**
   * Deletes versions superseded at or before `before` (recordIfAllowed does so once a minute
   * with `now - window`). Only a racer who read a version and stalled for longer than that
   * could still try to insert its successor.
   */
  async sweepSuperseded(before: Date): Promise<number> {
    return (await this.model.deleteMany({ supersededAt: { $lte: before } })).deletedCount;
  }

  private async decideAndRecord(
    key: ConnectionAttemptKey,
    now: Date,
    limit: number,
    windowMs: number,
  ): Promise<AttemptDecision> {
    const keyId = JSON.stringify([key.workspaceId, key.userId]);
    const nowMs = now.getTime();
    const cutoff = nowMs - windowMs;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      // Losers of a round back off a little, at random, so the next round has fewer racers.
      if (round > 0) await sleep(Math.random() * Math.min(20, round * 2));
      const head = await this.model
        .findOne({ key: keyId })
        .sort({ version: -1 })
        .lean<AttemptsVersionDoc>();
      const times = (head?.attempts ?? [])
        .map((at) => new Date(at).getTime())
        .filter((ms) => ms > cutoff)
        .sort((a, b) => a - b);
      const decision = decide(times, nowMs, limit, windowMs);
      if (!decision.allowed) return decision;
      const version = (head?.version ?? -1) + 1;
      try {
        await this.model.create({
          _id: JSON.stringify([key.workspaceId, key.userId, version]),
          key: keyId,
          workspaceId: key.workspaceId,
          userId: key.userId,
          version,
          attempts: [...times, nowMs].sort((a, b) => a - b).map((ms) => new Date(ms)),
          createdAt: now,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // another process recorded version `version` first
      }
      if (head) {
        // Not a guard, only garbage collection: a mark lost to a crash leaves one stale version.
        await this.model
          .updateOne({ _id: head._id }, { $set: { supersededAt: now } })
          .catch(() => undefined);
      }
      return decision;
    }
    throw new Error(
      `Connection attempts of ${keyId} kept changing: gave up after ${MAX_ROUNDS} rounds`,
    );
  }
}
