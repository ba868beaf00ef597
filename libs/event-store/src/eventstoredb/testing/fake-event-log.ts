/**
 * The storage behind the fake EventStoreDB (fake-eventstoredb.ts): one ordered log, with the
 * append rules of EventStoreDB 24.10 that the adapter depends on. In memory, for tests only.
 */

export interface StoredRecord {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  /** Raw bytes, as the server keeps them: empty when the writer sent none. */
  metadata: Uint8Array;
  /** Ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
  /** Log position; commit and prepare are equal for an append outside a transaction. */
  position: bigint;
}

export type ProposedRecord = Omit<StoredRecord, 'streamId' | 'revision' | 'created' | 'position'>;

export type Expected = { revision: number } | 'any' | 'no_stream' | 'stream_exists';

export type AppendOutcome =
  { ok: true; revision: number; position: bigint } | { ok: false; current: number | 'no_stream' };

/** Bytes between two log positions, so positions look like the server's (not 0, 1, 2…). */
const RECORD_SPACING = BigInt(137);

export class FakeEventLog {
  private readonly records: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly appendListeners = new Set<() => void>();

  head(streamId: string): number {
    return (this.streams.get(streamId)?.length ?? 0) - 1;
  }

  stream(streamId: string): readonly StoredRecord[] | undefined {
    return this.streams.get(streamId);
  }

  all(): readonly StoredRecord[] {
    return this.records;
  }

  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * EventStoreDB 24.10's decision: at the head it appends without looking at ids; behind the
   * head it compares the ids that follow the expected revision and answers the earlier
   * append's result when they all match (idempotent write), a conflict otherwise; with `any`
   * and `stream_exists` it looks the ids up among recent writes to the stream.
   */
  append(streamId: string, expected: Expected, proposed: ProposedRecord[]): AppendOutcome {
    const head = this.head(streamId);
    const current = head < 0 ? 'no_stream' : head;
    const expectedRevision =
      expected === 'no_stream' ? -1 : typeof expected === 'object' ? expected.revision : null;
    if (expectedRevision !== null) {
      if (expectedRevision === head) return this.write(streamId, proposed);
      if (expectedRevision > head) return { ok: false, current };
      return this.earlierWrite(streamId, expectedRevision + 1, proposed) ?? { ok: false, current };
    }
    if (expected === 'stream_exists' && head < 0) return { ok: false, current };
    const records = this.streams.get(streamId) ?? [];
    const first = records.findIndex((r) => r.id === proposed[0].id);
    return (
      (first >= 0 ? this.earlierWrite(streamId, first, proposed) : null) ??
      this.write(streamId, proposed)
    );
  }

  /** A foreign write: what another client (or the server itself) put in the log. */
  appendForeign(streamId: string, record: ProposedRecord): StoredRecord {
    this.write(streamId, [record]);
    return this.records[this.records.length - 1];
  }

  private earlierWrite(
    streamId: string,
    from: number,
    proposed: ProposedRecord[],
  ): AppendOutcome | null {
    const records = this.streams.get(streamId) ?? [];
    const slice = records.slice(from, from + proposed.length);
    if (slice.length !== proposed.length || slice.some((r, i) => r.id !== proposed[i].id)) {
      return null;
    }
    const last = slice[slice.length - 1];
    return { ok: true, revision: last.revision, position: last.position };
  }

  private write(streamId: string, proposed: ProposedRecord[]): AppendOutcome {
    const records = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, records);
    const created = BigInt(Date.now()) * BigInt(10_000);
    for (const record of proposed) {
      const stored: StoredRecord = {
        ...record,
        streamId,
        revision: records.length,
        created,
        position: BigInt(this.records.length + 1) * RECORD_SPACING,
      };
      records.push(stored);
      this.records.push(stored);
    }
    for (const listener of this.appendListeners) listener();
    const last = records[records.length - 1];
    return { ok: true, revision: last.revision, position: last.position };
  }
}
