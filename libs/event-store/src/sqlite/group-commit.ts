export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Waiter<Req, Res> {
  request: Req;
  resolve(value: Res): void;
  reject(error: unknown): void;
}

/**
 * Collects the requests made in one event-loop turn and hands them to `writeBatch` together on
 * the next `setImmediate`, so they share one transaction (one fsync). `writeBatch` returns one
 * outcome per request, in order; if it throws, the whole batch failed and every request is
 * rejected with that error. See docs/decisions/0001-group-commit.md.
 */
export class GroupCommitQueue<Req, Res> {
  private waiting: Waiter<Req, Res>[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private batches = 0;

  constructor(private readonly writeBatch: (requests: Req[]) => Outcome<Res>[]) {}

  /** Batches written so far (committed or failed as a whole). */
  get batchCount(): number {
    return this.batches;
  }

  enqueue(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes whatever is queued now; close() calls it so nothing queued is lost. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.batches += 1;

    let outcomes: Outcome<Res>[];
    try {
      outcomes = this.writeBatch(batch.map((w) => w.request));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    batch.forEach((waiter, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(outcome.error);
    });
  }
}
