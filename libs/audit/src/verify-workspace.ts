import { workspaceStream } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import type { ChainCheckpoints } from './chain-checkpoints';
import { checkCheckpointChain, type BadCheckpoint } from './checkpoint-chain';
import type { CheckpointSigner, SignedCheckpoint } from './signing-key';
import { type BadEvent, StreamChainVerifier, storedEventsOf } from './verify-stream';

/**
 * What failed, each at most once: `bad-event` (firstBadEvent: the hash chain or a signed
 * checkpoint no longer matches the events), `missing-checkpoint` (missingCheckpoint: events
 * old enough to be checkpointed have none, e.g. checkpoints were deleted), and
 * `broken-checkpoint-chain` (badCheckpoint: a checkpoint is forged, edited or missing from the
 * middle of the stream's checkpoint chain).
 */
export type VerificationFailure = 'bad-event' | 'missing-checkpoint' | 'broken-checkpoint-chain';

/** The first event that no signed checkpoint covers though it is older than allowed. */
export interface MissingCheckpoint {
  streamId: string;
  revision: number;
  eventId: string;
  /** ISO instant the event was recorded. */
  recordedAt: string;
  /** ISO instant by which a checkpoint should have covered it (recordedAt + allowance). */
  dueBy: string;
}

export interface AuditVerification {
  ok: boolean;
  failures: VerificationFailure[];
  checkedEvents: number;
  firstBadEvent: BadEvent | null;
  missingCheckpoint: MissingCheckpoint | null;
  badCheckpoint: BadCheckpoint | null;
  /** `legacy`: of those checked, how many were signed before checkpoints were chained. */
  checkpoints: { checked: number; legacy: number; latestSignedAt: string | null };
}

export interface AuditVerifierOptions {
  clock?: { now(): Date };
  /**
   * How long an event may stay without a checkpoint covering it: the signing interval plus a
   * grace for a slow or restarting signer (AUDIT_CHECKPOINT_EVERY_MS + AUDIT_CHECKPOINT_GRACE_MS).
   */
  checkpointDueWithinMs?: number;
}

/** Interval (1 min) + grace (5 min), the API's defaults. */
const DEFAULT_DUE_WITHIN_MS = 360_000;

/**
 * Checks streams against their hash chain and their signed checkpoints. The chain catches an
 * edit, deletion, reordering or insertion made without recomputing hashes; a checkpoint
 * catches one made by someone who recomputed the chain after it was signed, since they cannot
 * sign a new one; the checkpoints' own chain and the rule that every event older than the
 * allowance is covered by the newest checkpoint catch checkpoints deleted to hide that
 * (docs/decisions/0011).
 */
export class AuditVerifier {
  private readonly clock: { now(): Date };
  private readonly dueWithinMs: number;

  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: ChainCheckpoints,
    options: AuditVerifierOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.dueWithinMs = options.checkpointDueWithinMs ?? DEFAULT_DUE_WITHIN_MS;
  }

  /** The workspace's history: its `workspace-<id>` stream (docs/decisions/0002). */
  verifyWorkspace(workspaceId: string): Promise<AuditVerification> {
    return this.verifyStreams([workspaceStream(workspaceId)]);
  }

  async verifyStreams(streamIds: string[]): Promise<AuditVerification> {
    const signer = this.checkpoints.signer; // fails at once without a key
    const result: AuditVerification = {
      ok: true,
      failures: [],
      checkedEvents: 0,
      firstBadEvent: null,
      missingCheckpoint: null,
      badCheckpoint: null,
      checkpoints: { checked: 0, legacy: 0, latestSignedAt: null },
    };
    for (const streamId of streamIds) {
      const checkpoints = await this.checkpoints.forStream(streamId);
      const stream = await this.verifyOne(streamId, checkpoints, signer);
      result.checkedEvents += stream.checkedEvents;
      result.checkpoints.checked += checkpoints.length;
      for (const c of checkpoints) {
        if (c.sequence === null) result.checkpoints.legacy += 1;
        const latest = result.checkpoints.latestSignedAt;
        if (latest === null || c.signedAt > latest) result.checkpoints.latestSignedAt = c.signedAt;
      }
      result.firstBadEvent ??= stream.firstBadEvent;
      result.missingCheckpoint ??= stream.missingCheckpoint;
      result.badCheckpoint ??= stream.badCheckpoint;
    }
    if (result.firstBadEvent) result.failures.push('bad-event');
    if (result.missingCheckpoint) result.failures.push('missing-checkpoint');
    if (result.badCheckpoint) result.failures.push('broken-checkpoint-chain');
    result.ok = result.failures.length === 0;
    return result;
  }

  private async verifyOne(
    streamId: string,
    checkpoints: SignedCheckpoint[],
    signer: CheckpointSigner,
  ): Promise<{
    checkedEvents: number;
    firstBadEvent: BadEvent | null;
    missingCheckpoint: MissingCheckpoint | null;
    badCheckpoint: BadCheckpoint | null;
  }> {
    // Only checkpoints this key signed say anything about the events.
    const genuine = checkpoints.filter((c) => signer.verify(c));
    const badCheckpoint = checkCheckpointChain(checkpoints, new Set(genuine));
    const wanted = new Set(genuine.map((c) => c.revision));
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
      checkAgainstCheckpoints(streamId, genuine, atRevision, lastRevision),
    );
    const fromChain = chain.firstBadEvent;
    const firstBadEvent =
      fromChain && (!fromCheckpoints || fromChain.revision <= fromCheckpoints.revision)
        ? fromChain
        : fromCheckpoints;
    const covered = genuine.reduce((max, c) => Math.max(max, c.revision), -1);
    return {
      checkedEvents,
      firstBadEvent,
      missingCheckpoint: await this.uncoveredEvent(streamId, covered),
      badCheckpoint,
    };
  }

  /**
   * The rule that catches deleted checkpoints (and a signer that stopped): the first event
   * after the newest genuine checkpoint must be younger than the allowance.
   */
  private async uncoveredEvent(
    streamId: string,
    coveredRevision: number,
  ): Promise<MissingCheckpoint | null> {
    for await (const event of this.events.readStream(streamId, {
      fromRevision: coveredRevision + 1,
      maxCount: 1,
    })) {
      const dueBy = new Date(event.recordedAt.getTime() + this.dueWithinMs);
      if (dueBy.getTime() >= this.clock.now().getTime()) return null;
      return {
        streamId,
        revision: event.revision,
        eventId: event.id,
        recordedAt: event.recordedAt.toISOString(),
        dueBy: dueBy.toISOString(),
      };
    }
    return null;
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
}

/**
 * The first genuine checkpoint (by revision) that no longer holds: missing event or another
 * hash. The rewrite happened after the last checkpoint below it that still holds, so the event
 * after that one is named.
 */
function checkAgainstCheckpoints(
  streamId: string,
  checkpoints: SignedCheckpoint[],
  atRevision: Map<number, { id: string; hash: string | null }>,
  lastRevision: number,
): BadEvent | null {
  let lastGood = -1;
  for (const checkpoint of checkpoints) {
    const event = atRevision.get(checkpoint.revision);
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
