import { GENESIS_HASH, type EventStore } from '@ledger/event-store';
import { catchUpFeed, type FeedFollower } from '@ledger/event-store/feed';
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

/** A stream's newest event as the feed shows it: what a checkpoint signs. */
interface StreamHead {
  streamId: string;
  revision: number;
  hash: string;
}

/** An exported checkpoint line: the checkpoint and the public key that verifies it. */
export interface ExportedCheckpoint extends SignedCheckpoint {
  /** Ed25519 SubjectPublicKeyInfo DER, base64. */
  publicKey: string;
}

/**
 * Signs the heads of the hash chains: each run reads the global feed from where the last run
 * stopped and signs, for every stream that moved in a page, its newest event's (revision,
 * hash), as the next link of the stream's checkpoint chain. Each page's checkpoints and feed
 * position are saved together, so a crashed run is simply redone (a head already signed is
 * not signed again).
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
    const signed: SignedCheckpoint[] = [];
    const follower: FeedFollower<StreamHead> = {
      name: 'signer',
      project: (event) =>
        event.chain
          ? [{ streamId: event.streamId, revision: event.revision, hash: event.chain.hash }]
          : [],
      // The chain covers every stored event, well-formed or not: none is parked.
      readsEnvelopeOnly: true,
      store: {
        getCheckpoint: () => this.store.cursor(),
        apply: async (heads, { position }) => {
          const checkpoints = await this.sign(signer, heads);
          await this.store.add(checkpoints, position);
          signed.push(...checkpoints);
        },
      },
    };
    await catchUpFeed(this.events, follower, {
      batchSize: this.pageSize,
      maxPages: this.maxPages,
    });
    return signed;
  }

  /** One checkpoint per stream that moved in a page: its newest head, chained to the last one. */
  private async sign(signer: CheckpointSigner, heads: StreamHead[]): Promise<SignedCheckpoint[]> {
    const newest = new Map(heads.map((head) => [head.streamId, head]));
    const signedAt = this.clock.now().toISOString();
    const checkpoints: SignedCheckpoint[] = [];
    for (const head of newest.values()) {
      const previous = await this.store.latest(head.streamId);
      if (previous && previous.revision >= head.revision) continue;
      checkpoints.push(
        signer.sign({
          streamId: head.streamId,
          revision: head.revision,
          hash: head.hash,
          signedAt,
          sequence: (previous?.sequence ?? 0) + 1,
          prevCheckpointHash: previous ? checkpointHash(previous) : GENESIS_HASH,
        }),
      );
    }
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
