import { comparePositions, type WorkspaceReadModel } from '@ledger/read-models';
import { CONNECTIONS_PROJECTION } from './read-your-writes';

/**
 * Remembers that a write failed for lack of space (SQLITE_FULL, ENOSPC), so /health says not
 * ready until a write succeeds again. "Succeeds again" is seen where every process can see it:
 * the connections read model's checkpoint moves past where it stood at the failure, which takes
 * an append and a read-model write (by this process or another) both succeeding.
 */
export class StorageHealth {
  private full = false;
  /** The checkpoint at the failure (undefined while it is being read). */
  private checkpointAtFailure: string | null | undefined;

  constructor(private readonly readModel: WorkspaceReadModel) {}

  /** A write failed for lack of space. Never throws (it is called while answering errors). */
  reportFull(): void {
    if (this.full) return;
    this.full = true;
    this.checkpointAtFailure = undefined;
    this.readModel.getCheckpoint(CONNECTIONS_PROJECTION).then(
      (checkpoint) => {
        if (this.full && this.checkpointAtFailure === undefined) {
          this.checkpointAtFailure = checkpoint;
        }
      },
      () => {
        if (this.full) this.checkpointAtFailure = null;
      },
    );
  }

  /** The readiness probe: rejects while no write has succeeded since the last full one. */
  async check(): Promise<void> {
    if (!this.full) return;
    const before = this.checkpointAtFailure;
    const now = await this.readModel.getCheckpoint(CONNECTIONS_PROJECTION);
    const moved =
      before !== undefined &&
      now !== null &&
      (before === null || comparePositions(now, before) > 0);
    if (!moved) throw new Error('a write failed for lack of storage space');
    this.full = false;
  }
}
