import { revisionMatches } from '../append-validation';
import { chainHashOfCanonical, GENESIS_HASH } from '../chain';
import {
  type AppendResult,
  type ExpectedRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { ExistingEventRow, Statements } from './schema';

/**
 * An append with its JSON already serialised (and in canonical form, for the hash chain), so
 * bad data fails before it joins a batch.
 */
export interface PendingAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: {
    id: string;
    type: string;
    data: string;
    metadata: string;
    canonicalData: string;
    canonicalMetadata: string;
  }[];
}

/** An event id is already used by another stream (deterministic ids make this a caller bug). */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly eventId: string,
    readonly existingStreamId: string,
  ) {
    super(`Event id ${eventId} already exists in stream ${existingStreamId}`);
    this.name = 'DuplicateEventIdError';
  }
}

/**
 * Writes one append inside the batch's transaction; the caller wraps it in a savepoint so a
 * throw undoes only this append. Runs in arrival order, so it sees earlier appends of the batch.
 */
export function writeAppend(
  stmts: Statements,
  append: PendingAppend,
  recordedAt: number,
): AppendResult {
  const { streamId, expectedRevision, events } = append;
  const headRow = stmts.head.get(streamId);
  const head = headRow?.revision ?? null;
  const actual = head === null ? 'no_stream' : head;

  const existing = events.map((e) => stmts.findById.get(e.id));
  if (existing.some((row) => row !== undefined)) {
    const original = originalAppend(streamId, existing);
    if (original) return original;
    const foreign = existing.find((row) => row !== undefined && row.stream_id !== streamId);
    if (foreign) {
      throw new DuplicateEventIdError(events[existing.indexOf(foreign)].id, foreign.stream_id);
    }
    // Some of the ids are in this stream but not as one whole earlier append.
    throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
  }

  if (!revisionMatches(expectedRevision, actual)) {
    throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
  }

  let revision = head ?? -1;
  // The chain continues from the head this append was checked against, in this transaction:
  // an earlier append of the same batch is the head here, a retried batch recomputes it.
  let prevHash = headRow?.hash ?? GENESIS_HASH;
  let position = 0;
  for (const event of events) {
    revision += 1;
    const hash = chainHashOfCanonical(
      { streamId, revision, id: event.id, type: event.type, prevHash },
      event.canonicalData,
      event.canonicalMetadata,
    );
    const info = stmts.insert.run(
      streamId,
      revision,
      event.id,
      event.type,
      event.data,
      event.metadata,
      recordedAt,
      prevHash,
      hash,
    );
    prevHash = hash;
    position = Number(info.lastInsertRowid);
  }
  return { nextExpectedRevision: revision, position: String(position) };
}

/** The earlier identical append's result when every id sits in this stream, consecutively. */
function originalAppend(
  streamId: string,
  existing: (ExistingEventRow | undefined)[],
): AppendResult | null {
  const first = existing[0];
  if (!first) return null;
  const whole = existing.every(
    (row, i) =>
      row !== undefined && row.stream_id === streamId && row.revision === first.revision + i,
  );
  if (!whole) return null;
  const last = existing[existing.length - 1] as ExistingEventRow;
  return { nextExpectedRevision: last.revision, position: String(last.position) };
}
