import { workspaceStream } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import type { ChainCheckpoints } from './chain-checkpoints';
import type { CheckpointSigner, SignedCheckpoint } from './signing-key';
import { type BadEvent, StreamChainVerifier, storedEventsOf } from './verify-stream';

export interface AuditVerification {
  ok: boolean;
  checkedEvents: number;
  firstBadEvent: BadEvent | null;
  checkpoints: { checked: number; latestSignedAt: string | null };
}

/**
 * Checks streams against their hash chain and their signed checkpoints. The chain catches an
 * edit, deletion, reordering or insertion made without recomputing hashes; a checkpoint
 * catches one made by someone who recomputed the chain after it was signed, since they cannot
 * sign a new one. The first bad event is the lowest revision either check names.
 */
export class AuditVerifier {
  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: ChainCheckpoints,
  ) {}

  /** The workspace's history: its `workspace-<id>` stream (docs/decisions/0002). */
  verifyWorkspace(workspaceId: string): Promise<AuditVerification> {
    return this.verifyStreams([workspaceStream(workspaceId)]);
  }

  async verifyStreams(streamIds: string[]): Promise<AuditVerification> {
    const signer = this.checkpoints.signer; // fails at once without a key
    const result: AuditVerification = {
      ok: true,
      checkedEvents: 0,
      firstBadEvent: null,
      checkpoints: { checked: 0, latestSignedAt: null },
    };
    for (const streamId of streamIds) {
      const checkpoints = await this.checkpoints.forStream(streamId);
      const stream = await this.verifyOne(streamId, checkpoints, signer);
      result.checkedEvents += stream.checkedEvents;
      result.checkpoints.checked += checkpoints.length;
      for (const c of checkpoints) {
        const latest = result.checkpoints.latestSignedAt;
        if (latest === null || c.signedAt > latest) result.checkpoints.latestSignedAt = c.signedAt;
      }
      if (stream.firstBadEvent && !result.firstBadEvent) {
        result.firstBadEvent = stream.firstBadEvent;
        result.ok = false;
      }
    }
    return result;
  }

  private async verifyOne(
    streamId: string,
    checkpoints: SignedCheckpoint[],
    signer: CheckpointSigner,
  ): Promise<{ checkedEvents: number; firstBadEvent: BadEvent | null }> {
    const wanted = new Set(checkpoints.map((c) => c.revision));
    const atRevision = new Map<number, { id: string; hash: string | null }>();
    const chain = new StreamChainVerifier(streamId);
    let checkedEvents = 0;
    let lastRevision = -1;
    for await (const event of storedEventsOf(this.events, streamId)) {
      checkedEvents += 1;
      lastRevision = event.revision;
      chain.nextStored(event);
      if (wanted.has(event.revision) && !atRevision.has(event.revision)) {
        atRevision.set(event.revision, { id: event.id, hash: event.chain?.hash ?? null });
      }
    }
    const fromCheckpoints = await this.withEventId(
      this.checkAgainstCheckpoints(streamId, checkpoints, atRevision, lastRevision, signer),
    );
    const fromChain = chain.firstBadEvent;
    const firstBadEvent =
      fromChain && (!fromCheckpoints || fromChain.revision <= fromCheckpoints.revision)
        ? fromChain
        : fromCheckpoints;
    return { checkedEvents, firstBadEvent };
  }

  /** Fills in the id of the event now at the bad revision, if there is one. */
  private async withEventId(bad: BadEvent | null): Promise<BadEvent | null> {
    if (!bad || bad.eventId !== null) return bad;
    for await (const event of this.events.readStream(bad.streamId, {
      fromRevision: bad.revision,
      maxCount: 1,
    })) {
      if (event.revision === bad.revision) return { ...bad, eventId: event.id };
    }
    return bad;
  }

  /**
   * The first checkpoint (by revision) that no longer holds: bad signature, missing event or
   * another hash. The rewrite happened after the last checkpoint below it that still holds, so
   * the event after that one is named.
   */
  private checkAgainstCheckpoints(
    streamId: string,
    checkpoints: SignedCheckpoint[],
    atRevision: Map<number, { id: string; hash: string | null }>,
    lastRevision: number,
    signer: CheckpointSigner,
  ): BadEvent | null {
    let lastGood = -1;
    for (const checkpoint of checkpoints) {
      const event = atRevision.get(checkpoint.revision);
      if (!signer.verify(checkpoint)) {
        return {
          streamId,
          revision: checkpoint.revision,
          eventId: event?.id ?? null,
          problem: 'checkpoint-signature-invalid',
        };
      }
      if (event && event.hash === checkpoint.hash) {
        lastGood = Math.max(lastGood, checkpoint.revision);
        continue;
      }
      // A checkpoint beyond the stream's end: the events from the end on were deleted.
      const revision = event ? lastGood + 1 : Math.max(lastGood + 1, lastRevision + 1);
      return {
        streamId,
        revision,
        eventId: atRevision.get(revision)?.id ?? null,
        problem: event ? 'checkpoint-mismatch' : 'checkpoint-missing-event',
      };
    }
    return null;
  }
}
