import { Logger } from '@nestjs/common';
import {
  ProjectionLagError,
  type ProjectionRunner,
  waitForCheckpoint,
  type WorkspaceReadModel,
} from '@ledger/read-models';

export const CONNECTIONS_PROJECTION = 'connections';

/**
 * After a command, the API answers once the read model shows it (bounded), so a client's next
 * GET sees its own write. It watches the read model's checkpoint, so it works whether the
 * projection runs in this process or in the worker.
 */
export class ReadYourWrites {
  private readonly logger = new Logger(ReadYourWrites.name);

  constructor(
    private readonly readModel: WorkspaceReadModel,
    private readonly timeoutMs = 5000,
    /** This process's projection runner: when it runs, its applies wake the wait at once. */
    private readonly local?: Pick<ProjectionRunner, 'running' | 'onApplied'>,
  ) {}

  async waitFor(position: string | null): Promise<void> {
    if (position === null) return;
    try {
      await waitForCheckpoint(this.readModel, CONNECTIONS_PROJECTION, position, {
        timeoutMs: this.timeoutMs,
        // Woken at once by an apply in this process; else polled, for a separate worker.
        ...(this.local?.running
          ? { intervalMs: 20, applied: this.local.onApplied }
          : { intervalMs: 2 }),
      });
    } catch (error) {
      if (!(error instanceof ProjectionLagError)) throw error;
      // The write is durable; only the read model is late. Answer anyway.
      this.logger.warn(error.message);
    }
  }
}
