import type { ConnectionsReadModel } from './connections-read-model.port';
import { isAtOrAfter } from './positions';

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** How often to read the checkpoint (default 10 ms). */
  intervalMs?: number;
}

/**
 * Resolves once `projection`'s checkpoint is at or after `position`: read-your-writes for a
 * caller that just appended (the API) while another process may run the projection (the
 * worker). It reads the read model only, so it works whichever process applies the events.
 */
export async function waitForCheckpoint(
  readModel: Pick<ConnectionsReadModel, 'getCheckpoint'>,
  projection: string,
  position: string,
  { timeoutMs = 10_000, intervalMs = 10 }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await readModel.getCheckpoint(projection);
    if (isAtOrAfter(checkpoint, position)) return;
    if (Date.now() >= deadline) {
      throw new ProjectionLagError(projection, position, checkpoint, timeoutMs);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
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
