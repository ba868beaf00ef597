import { GENESIS_HASH, type EventStore } from '@ledger/event-store';
import type { CheckpointStore } from './checkpoint-store';
import {
  checkpointHash,
  type CheckpointSigner,
  type SignedCheckpoint,
  SigningKeyError,
} from './signing-key';

export interface ChainCheckpointsOptions {
  clock?: { now(): Date };
  /** Feed page size. */
  pageSize?: number;
  /** At most this many feed pages per signHeads() call; the next call goes on from there. */
  maxPagesPerRun?: number;
}

/** An exported checkpoint line: the checkpoint and the public key that verifies it. */
export interface ExportedCheckpoint extends SignedCheckpoint {
  /** Ed25519 SubjectPublicKeyInfo DER, base64. */
  publicKey: string;
}

/**
 * Signs the heads of the hash chains: each run reads the global feed from where the last run
 * stopped and signs, for every stream that moved, its newest event's (revision, hash), as the
 * next link of the stream's checkpoint chain. The checkpoints and the feed position are saved
 * together, so a crashed run is simply redone (a head already signed is not signed again).
 */
export class ChainCheckpoints {
  private readonly clock: { now(): Date };
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(
    private readonly events: EventStore,
    private readonly store: CheckpointStore,
    /** Null when no key is configured (production without AUDIT_SIGNING_KEY): every use fails. */
    private readonly key: CheckpointSigner | null,
    options: ChainCheckpointsOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.pageSize = options.pageSize ?? 500;
    this.maxPages = options.maxPagesPerRun ?? 200;
  }

  get signer(): CheckpointSigner {
    if (!this.key) {
      throw new SigningKeyError(
        'AUDIT_SIGNING_KEY is not set: checkpoints cannot be signed or verified',
      );
    }
    return this.key;
  }

  /** Signs the heads that moved since the last run; answers the new checkpoints. */
  async signHeads(): Promise<SignedCheckpoint[]> {
    const signer = this.signer;
    const start = await this.store.cursor();
    let after = start;
    const heads = new Map<string, { revision: number; hash: string }>();
    for (let pages = 0; pages < this.maxPages; pages += 1) {
      const page = await this.events.readAll({ after, maxCount: this.pageSize });
      for (const event of page) {
        if (event.chain)
          heads.set(event.streamId, { revision: event.revision, hash: event.chain.hash });
      }
      if (page.length > 0) after = page[page.length - 1].position;
      if (page.length < this.pageSize) break;
    }
    if (after === start) return [];
    const signedAt = this.clock.now().toISOString();
    const checkpoints: SignedCheckpoint[] = [];
    for (const [streamId, head] of heads) {
      const previous = await this.store.latest(streamId);
      if (previous && previous.revision >= head.revision) continue;
      checkpoints.push(
        signer.sign({
          streamId,
          revision: head.revision,
          hash: head.hash,
          signedAt,
          sequence: (previous?.sequence ?? 0) + 1,
          prevCheckpointHash: previous ? checkpointHash(previous) : GENESIS_HASH,
        }),
      );
    }
    await this.store.add(checkpoints, after);
    return checkpoints;
  }

  forStream(streamId: string): Promise<SignedCheckpoint[]> {
    return this.store.forStream(streamId);
  }

  /** Checkpoints (of these streams, or all) for anchoring elsewhere, in signing order. */
  async *export(streamIds?: string[]): AsyncIterable<ExportedCheckpoint> {
    const { publicKey } = this.signer;
    for await (const checkpoint of this.store.list(streamIds)) {
      yield { ...checkpoint, publicKey };
    }
  }

  /** The same, one JSON object per line. */
  async *exportJsonLines(streamIds?: string[]): AsyncIterable<string> {
    for await (const checkpoint of this.export(streamIds)) yield `${JSON.stringify(checkpoint)}\n`;
  }
}
