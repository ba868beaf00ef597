import {
  canonicalJson,
  canonicalOf,
  chainHashOfCanonical,
  GENESIS_HASH,
  type EventStore,
  type RecordedEvent,
  type StoredEvent,
  type StoredEventSource,
} from '@ledger/event-store';

/**
 * What is wrong with the first bad event:
 * - `unchained`: the event carries no chain link (written before chaining, or stripped);
 * - `revision-gap`: revisions before this one are missing (an event was deleted);
 * - `revision-out-of-order`: the revision repeats or goes back;
 * - `hash-mismatch`: the event's content, revision or stream no longer hashes to the hash it
 *   carries (an edited payload, a moved or forged event);
 * - `prev-hash-mismatch`: the event does not link to the event before it (deleted, inserted
 *   or reordered events);
 * - `checkpoint-mismatch`: a signed checkpoint's hash is not the event's at its revision
 *   (the chain was rewritten after the checkpoint was signed); the named event is the first
 *   after the last checkpoint that still matches;
 * - `checkpoint-missing-event`: a signed checkpoint names a revision the stream no longer has.
 *
 * Only checkpoints whose signature verifies are compared; a forged or edited one is reported
 * as a broken checkpoint chain instead (checkpoint-chain.ts).
 */
export type ChainProblem =
  | 'unchained'
  | 'revision-gap'
  | 'revision-out-of-order'
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'checkpoint-mismatch'
  | 'checkpoint-missing-event';

export interface BadEvent {
  streamId: string;
  revision: number;
  /** Null when no event is left at that revision (it was deleted). */
  eventId: string | null;
  problem: ChainProblem;
}

export interface StreamVerification {
  checkedEvents: number;
  firstBadEvent: BadEvent | null;
}

/**
 * Checks a stream's events one by one, in the order the store gives them (revision order),
 * keeping only the previous hash: streams of any length verify in flat memory.
 */
export class StreamChainVerifier {
  private expectedRevision = 0;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private bad: BadEvent | null = null;

  constructor(readonly streamId: string) {}

  get firstBadEvent(): BadEvent | null {
    return this.bad;
  }

  get checkedEvents(): number {
    return this.checked;
  }

  /** Checks the next event; false once a bad event was found (later ones are not checked). */
  next(event: RecordedEvent): boolean {
    return this.nextStored(storedFormOf(event));
  }

  /** The same for an event as stored (see storedEventsOf): its JSON text is hashed as is. */
  nextStored(event: StoredEvent): boolean {
    if (this.bad) return false;
    this.checked += 1;
    const problem = this.problemWith(event);
    if (problem === 'revision-gap') {
      // The first bad event is the first missing one: no event is left to name.
      this.bad = {
        streamId: this.streamId,
        revision: this.expectedRevision,
        eventId: null,
        problem,
      };
      return false;
    }
    if (problem) {
      this.bad = { streamId: this.streamId, revision: event.revision, eventId: event.id, problem };
      return false;
    }
    this.expectedRevision = event.revision + 1;
    this.prevHash = event.chain?.hash ?? GENESIS_HASH;
    return true;
  }

  private problemWith(event: StoredEvent): ChainProblem | null {
    if (event.streamId !== this.streamId) return 'hash-mismatch';
    if (event.revision > this.expectedRevision) return 'revision-gap';
    if (event.revision < this.expectedRevision) return 'revision-out-of-order';
    if (!event.chain) return 'unchained';
    if (!hashHolds(event, event.chain.hash)) return 'hash-mismatch';
    if (event.chain.prevHash !== this.prevHash) return 'prev-hash-mismatch';
    return null;
  }
}

/**
 * Whether the event hashes to `hash`. Text stored in canonical form (what the SQLite store
 * writes) is hashed as it is; anything else (older rows, another adapter's text) is
 * canonicalised first. Either way an edited payload no longer hashes to `hash`.
 */
function hashHolds(event: StoredEvent, hash: string): boolean {
  const fields = { ...event, prevHash: event.chain?.prevHash ?? GENESIS_HASH };
  if (chainHashOfCanonical(fields, event.dataJson, event.metadataJson) === hash) return true;
  try {
    const data = canonicalJson(JSON.parse(event.dataJson));
    const metadata = canonicalJson(JSON.parse(event.metadataJson));
    if (data === event.dataJson && metadata === event.metadataJson) return false;
    return chainHashOfCanonical(fields, data, metadata) === hash;
  } catch {
    return false; // not JSON any more: edited
  }
}

function storedFormOf(event: RecordedEvent): StoredEvent {
  return {
    streamId: event.streamId,
    revision: event.revision,
    id: event.id,
    type: event.type,
    dataJson: canonicalOf(event.data),
    metadataJson: canonicalOf(event.metadata),
    ...(event.chain ? { chain: event.chain } : {}),
  };
}

/**
 * A stream's events as stored, in revision order: straight from the adapter when it can give
 * them (SQLite), else read and put in stored form. Verification reads through this.
 */
export async function* storedEventsOf(
  store: EventStore,
  streamId: string,
): AsyncIterable<StoredEvent> {
  const source = store as Partial<StoredEventSource>;
  if (typeof source.readStoredStream === 'function') {
    yield* source.readStoredStream(streamId);
    return;
  }
  for await (const event of store.readStream(streamId)) yield storedFormOf(event);
}

/** Verifies one stream's events (in revision order) and names the first bad one. */
export function verifyStream(events: Iterable<RecordedEvent>): StreamVerification {
  let verifier: StreamChainVerifier | null = null;
  for (const event of events) {
    verifier ??= new StreamChainVerifier(event.streamId);
    if (!verifier.next(event)) break;
  }
  return {
    checkedEvents: verifier?.checkedEvents ?? 0,
    firstBadEvent: verifier?.firstBadEvent ?? null,
  };
}
