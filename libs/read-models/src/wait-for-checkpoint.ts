import type { WorkspaceReadModel } from './workspace-read-model.port';
import { isAtOrAfter } from '@ledger/event-store/feed';

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How often to read the checkpoint (default 10 ms). */
  intervalMs?: number;
  /**
   * Tells of applies made in this process (see ProjectionRunner.onApplied) with the position
   * each reached: the wait ends as soon as one passes `position`, without reading the store.
   * The interval still covers a projection running in another process.
   */
  applied?: (listener: (position: string) => void) => () => void;
}

/**
 * Resolves once `projection`'s checkpoint is at or after `position`: read-your-writes for a
 * caller that just appended (the API) while another process may run the projection (the
 * worker). It reads the read model only, so it works whichever process applies the events.
 */
export async function waitForCheckpoint(
  readModel: Pick<WorkspaceReadModel, 'getCheckpoint'>,
  projection: string,
  position: string,
  { timeoutMs = 10_000, intervalMs = 10, applied }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reached = false;
  let wake: (() => void) | null = null;
  const unlisten = applied?.((appliedPosition) => {
    if (reached || !isAtOrAfter(appliedPosition, position)) return;
    reached = true;
    wake?.();
  });
  try {
    for (;;) {
      const checkpoint = await readModel.getCheckpoint(projection);
      if (reached || isAtOrAfter(checkpoint, position)) return;
      if (Date.now() >= deadline) {
        throw new ProjectionLagError(projection, position, checkpoint, timeoutMs);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      if (reached) return;
    }
  } finally {
    unlisten?.();
  }
}

/** The projection did not reach a position in time. */
export class ProjectionLagError extends Error {
  constructor(
    readonly projection: string,
    readonly position: string,
    readonly checkpoint: string | null,
    timeoutMs: number,
  ) {
    super(
      `Projection ${projection} did not reach position ${position} within ${timeoutMs} ms (at ${checkpoint ?? 'nothing'})`,
    );
    this.name = 'ProjectionLagError';
  }
}
