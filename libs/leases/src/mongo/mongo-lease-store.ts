import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, type Connection, type Model } from 'mongoose';
import {
  assertLeaseArguments,
  assertValidNow,
  type AcquireOptions,
  type Lease,
  type LeaseStore,
} from '../lease-store.port';
import { connectMongo, isDuplicateKey, type MongoLocation } from '@ledger/stores';

/**
 * One step of one name's chain: the state of the lease on `name` after an acquire, a renewal
 * or a release. The step with the highest `seq` (the head) is the name's current state.
 */
export interface LeaseStepDoc {
  /** JSON of `[name, seq]`: the unique index that arbitrates every race. */
  _id: string;
  name: string;
  /** 1, 2, 3, ... per name, without gaps (until the sweep deletes old steps). */
  seq: number;
  kind: 'acquire' | 'renew' | 'release';
  holder: string;
  token: number;
  expiresAt: Date;
  released: boolean;
  /** Random per step: tells the step a writer read from one re-inserted later at its `_id`. */
  nonce: string;
  /** Wall-clock time of the write, for people reading the collection (never for decisions). */
  writtenAt: Date;
}

export const LEASES_COLLECTION = 'leases';
const MODEL_NAME = 'LeaseStep';

const schema = new Schema<LeaseStepDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true },
    holder: { type: String, required: true },
    token: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
    released: { type: Boolean, required: true },
    nonce: { type: String, required: true },
    writtenAt: { type: Date, required: true },
  },
  { collection: LEASES_COLLECTION, versionKey: false, autoIndex: false },
);
schema.index({ name: 1, seq: -1 });

/** Rounds lost to racing writers before giving up; every round, one of the racers wins. */
const MAX_ROUNDS = 200;

type NextStep = Pick<LeaseStepDoc, 'kind' | 'holder' | 'token' | 'expiresAt' | 'released'>;

export type MongoLeaseStoreOptions = MongoLocation & {
  /** Steps kept below each name's head by the sweep (a little history to read); default 10. */
  keepSteps?: number;
  /** A writer sweeps its name every this many steps (seq multiple); default 50. */
  sweepEverySteps?: number;
  /**
   * Test hook: awaited between reading a name's head and inserting the next step, so a test
   * can stall one writer there while others (and the sweep) move on.
   */
  beforeInsert?: (name: string, seq: number) => Promise<void>;
};

/**
 * LeaseStore in MongoDB or FerretDB, shared by every process, without transactions and
 * without trusting a conditional update: FerretDB 1.x applies `updateOne({_id, token}, ...)` as
 * a read then a write by `_id`, so two racers that read the same state would both "match". The
 * one atomic step both servers guarantee is an insert into the unique `_id` index, so each
 * name's lease is an append-only chain of immutable steps, `_id = [name, seq]`, and every
 * operation is:
 *
 * 1. read the name's head: its step with the highest `seq` (none: never leased);
 * 2. decide on it: acquire needs no head, or a released or expired one (`expiresAt <= now`)
 *    or one whose holder the acquirer knows is gone (`holderIsGone`),
 *    and takes token `head.token + 1`; renew and release need the head to carry the lease's
 *    token (renew: and holder, unreleased, unexpired). A refusal writes nothing;
 * 3. insert step `seq + 1` holding the new state. Only one racer can insert `seq + 1`: the
 *    others get a duplicate-key error and start over from a fresh read, where they see the
 *    winner's step. So every step was decided on the state that immediately precedes it, and
 *    each acquisition, renewal and release is linearizable.
 *
 * The sweep: steps below the head are dead weight, but deleting step `p + 1` would let a writer
 * that read `p` as head long ago (and stalled) insert `p + 1` again and believe it won. Two
 * rules make that detectable instead of dangerous:
 *
 * - the sweep deletes a name's steps one at a time in ascending `seq`, each awaited, and only
 *   below a head it read; so the original step `p` is always gone before `p + 1` goes, and the
 *   highest step of a name is never deleted (the chain's length, and its tokens, only grow);
 * - after inserting `p + 1` a writer re-reads step `p` and compares its `nonce` with the one it
 *   read. Still there: `p` was not deleted, so neither was the original `p + 1`, and the insert
 *   succeeding means ours is the original. Gone or replaced: our insert may be a re-insert,
 *   but then a step above `p + 1` exists (the head the sweep read). If none does, we are the
 *   head and won; if one does, the chain moved on without us and we start over from a fresh
 *   read. (The first step, `seq = 1`, has no predecessor and takes the second test directly.)
 *
 * A stale re-inserted step is below the head, so nobody ever reads it as the state; the next
 * sweep deletes it. Token monotonicity follows from the head never being deleted.
 */
export class MongoLeaseStore implements LeaseStore {
  private readonly keepSteps: number;
  private readonly sweepEverySteps: number;

  private constructor(
    private readonly model: Model<LeaseStepDoc>,
    private readonly connection: Connection,
    private readonly ownsConnection: boolean,
    private readonly options: MongoLeaseStoreOptions,
  ) {
    this.keepSteps = Math.max(0, options.keepSteps ?? 10);
    this.sweepEverySteps = Math.max(1, options.sweepEverySteps ?? 50);
  }

  /**
   * Connects (or adopts a connection, which the caller keeps and closes) and creates the
   * index on `(name, seq)`.
   */
  static async open(options: MongoLeaseStoreOptions): Promise<MongoLeaseStore> {
    const { connection, owned: owns } = await connectMongo(options);
    try {
      const model =
        (connection.models[MODEL_NAME] as Model<LeaseStepDoc> | undefined) ??
        connection.model<LeaseStepDoc>(MODEL_NAME, schema);
      await model.createIndexes();
      return new MongoLeaseStore(model, connection, owns, options);
    } catch (error) {
      if (owns) await connection.close();
      throw error;
    }
  }

  async acquire(
    name: string,
    holder: string,
    ttlMs: number,
    now: Date,
    options?: AcquireOptions,
  ): Promise<Lease | null> {
    assertLeaseArguments(name, holder, ttlMs);
    const nowMs = assertValidNow(now);
    // Decided on the head the next step replaces, like an expiry: a racer that read an older
    // head loses the insert of the next seq.
    const step = await this.append(name, (head) =>
      head &&
      !head.released &&
      head.expiresAt.getTime() > nowMs &&
      !options?.holderIsGone?.(head.holder)
        ? null
        : {
            kind: 'acquire',
            holder,
            token: (head?.token ?? 0) + 1,
            expiresAt: new Date(nowMs + ttlMs),
            released: false,
          },
    );
    return step && toLease(step);
  }

  async renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null> {
    assertLeaseArguments(lease.name, lease.holder, ttlMs);
    const nowMs = assertValidNow(now);
    const step = await this.append(lease.name, (head) =>
      head &&
      !head.released &&
      head.token === lease.token &&
      head.holder === lease.holder &&
      head.expiresAt.getTime() > nowMs
        ? {
            kind: 'renew',
            holder: head.holder,
            token: head.token,
            expiresAt: new Date(nowMs + ttlMs),
            released: false,
          }
        : null,
    );
    return step && toLease(step);
  }

  async release(lease: Lease): Promise<void> {
    await this.append(lease.name, (head) =>
      head && !head.released && head.token === lease.token
        ? {
            kind: 'release',
            holder: head.holder,
            token: head.token,
            expiresAt: head.expiresAt,
            released: true,
          }
        : null,
    );
  }

  /**
   * Deletes the steps of every name below its head but the newest `keepSteps` (writers also
   * sweep their own name every `sweepEverySteps` steps). Safe while writers race: see the class
   * comment. Resolves to the number of steps deleted.
   */
  async sweep(): Promise<number> {
    const names = (await this.model.distinct('name')) as string[];
    let deleted = 0;
    for (const name of names) {
      const head = await this.head(name);
      if (head) deleted += await this.sweepName(name, head.seq - 1 - this.keepSteps);
    }
    return deleted;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }

  /** Nest calls this on shutdown when the store is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Deletes `name`'s steps up to `upToSeq` (below a head read before), one by one, ascending. */
  private async sweepName(name: string, upToSeq: number): Promise<number> {
    if (upToSeq < 1) return 0;
    const ids = await this.model
      .find({ name, seq: { $lte: upToSeq } }, { _id: 1, seq: 1 })
      .sort({ seq: 1 })
      .lean<Array<Pick<LeaseStepDoc, '_id' | 'seq'>>>();
    let deleted = 0;
    // One at a time, in order: never a step while a lower original one is still there.
    for (const { _id } of ids) deleted += (await this.model.deleteOne({ _id })).deletedCount;
    return deleted;
  }

  private head(name: string): Promise<LeaseStepDoc | null> {
    return this.model.findOne({ name }).sort({ seq: -1 }).lean<LeaseStepDoc>().exec();
  }

  /**
   * Reads the head, asks `decide` for the next state (null: refuse, write nothing) and inserts
   * it as the next step, starting over whenever another writer got there first. Resolves to the
   * inserted step, or null when `decide` refused.
   */
  private async append(
    name: string,
    decide: (head: LeaseStepDoc | null) => NextStep | null,
  ): Promise<LeaseStepDoc | null> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      // Losers of a round back off a little, at random, so the next round has fewer racers.
      if (round > 0) await sleep(Math.random() * Math.min(20, round * 2));
      const head = await this.head(name);
      const next = decide(head);
      if (!next) return null;
      const seq = (head?.seq ?? 0) + 1;
      const step: LeaseStepDoc = {
        _id: stepId(name, seq),
        name,
        seq,
        ...next,
        nonce: randomUUID(),
        writtenAt: new Date(),
      };
      await this.options.beforeInsert?.(name, seq);
      try {
        await this.model.create(step);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue; // another writer inserted step `seq` first
      }
      if (!(await this.won(step, head))) continue; // a stale re-insert below the head
      if (seq % this.sweepEverySteps === 0) {
        // Best effort: a failed sweep leaves old steps for the next one.
        await this.sweepName(name, seq - 1 - this.keepSteps).catch(() => undefined);
      }
      return step;
    }
    throw new Error(`The lease ${name} kept changing: gave up after ${MAX_ROUNDS} rounds`);
  }

  /** Whether our inserted `step` is the original at its seq (see the class comment). */
  private async won(step: LeaseStepDoc, readHead: LeaseStepDoc | null): Promise<boolean> {
    if (readHead) {
      const predecessor = await this.model
        .findOne({ _id: readHead._id }, { nonce: 1 })
        .lean<Pick<LeaseStepDoc, 'nonce'>>();
      if (predecessor?.nonce === readHead.nonce) return true;
    }
    const above = await this.model
      .findOne({ name: step.name, seq: { $gt: step.seq } }, { _id: 1 })
      .lean();
    return above === null;
  }
}

function stepId(name: string, seq: number): string {
  return JSON.stringify([name, seq]);
}

function toLease(step: LeaseStepDoc): Lease {
  return {
    name: step.name,
    holder: step.holder,
    token: step.token,
    expiresAt: new Date(step.expiresAt),
  };
}
