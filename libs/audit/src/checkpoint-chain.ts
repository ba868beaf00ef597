import { GENESIS_HASH } from '@ledger/event-store';
import { checkpointHash, type SignedCheckpoint } from './signing-key';

/**
 * What is wrong with a stream's checkpoint chain:
 * - `signature-invalid`: the checkpoint does not verify (forged, edited, or another key);
 * - `sequence-gap`: sequence numbers before this one are missing (checkpoints were deleted);
 * - `sequence-out-of-order`: the sequence repeats or goes back;
 * - `link-broken`: it does not carry the hash of the checkpoint before it (the one before was
 *   deleted or replaced; for sequence 1, the stream's newest legacy checkpoint was deleted);
 * - `revision-not-after-previous`: it signs a revision at or below the one before it.
 */
export type CheckpointChainProblem =
  | 'signature-invalid'
  | 'sequence-gap'
  | 'sequence-out-of-order'
  | 'link-broken'
  | 'revision-not-after-previous';

export interface BadCheckpoint {
  streamId: string;
  /** Null: a legacy checkpoint (signed before checkpoints were chained). */
  sequence: number | null;
  revision: number;
  problem: CheckpointChainProblem;
}

/**
 * The first break in one stream's checkpoints: every one must carry a valid signature, and
 * the chained ones must number 1, 2, 3, ... each linking to the one before (sequence 1 to the
 * newest legacy checkpoint, or to GENESIS_HASH). Deleting the newest checkpoints leaves no
 * break here: the rule on uncovered events catches that.
 */
export function checkCheckpointChain(
  checkpoints: SignedCheckpoint[],
  genuine: ReadonlySet<SignedCheckpoint>,
): BadCheckpoint | null {
  const bad = (c: SignedCheckpoint, problem: CheckpointChainProblem): BadCheckpoint => ({
    streamId: c.streamId,
    sequence: c.sequence,
    revision: c.revision,
    problem,
  });
  const legacy = checkpoints
    .filter((c) => c.sequence === null)
    .sort((a, b) => a.revision - b.revision);
  const forged = legacy.find((c) => !genuine.has(c));
  if (forged) return bad(forged, 'signature-invalid');
  const chained = checkpoints
    .filter((c) => c.sequence !== null)
    .sort((a, b) => (a.sequence as number) - (b.sequence as number));
  let previous: SignedCheckpoint | null = legacy.at(-1) ?? null;
  let expected = 1;
  for (const checkpoint of chained) {
    const sequence = checkpoint.sequence as number;
    if (!genuine.has(checkpoint)) return bad(checkpoint, 'signature-invalid');
    if (sequence > expected) return bad(checkpoint, 'sequence-gap');
    if (sequence < expected) return bad(checkpoint, 'sequence-out-of-order');
    const link = previous ? checkpointHash(previous) : GENESIS_HASH;
    if (checkpoint.prevCheckpointHash !== link) return bad(checkpoint, 'link-broken');
    if (previous && checkpoint.revision <= previous.revision) {
      return bad(checkpoint, 'revision-not-after-previous');
    }
    previous = checkpoint;
    expected += 1;
  }
  return null;
}
