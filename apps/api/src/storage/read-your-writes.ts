import { Logger } from '@nestjs/common';
import {
  ProjectionLagError,
  waitForCheckpoint,
  type ConnectionsReadModel,
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
    private readonly readModel: ConnectionsReadModel,
    private readonly timeoutMs = 5000,
  ) {}

  async waitFor(position: string | null): Promise<void> {
    if (position === null) return;
    try {
      await waitForCheckpoint(this.readModel, CONNECTIONS_PROJECTION, position, {
        timeoutMs: this.timeoutMs,
        intervalMs: 2,
      });
    } catch (error) {
      if (!(error instanceof ProjectionLagError)) throw error;
      // The write is durable; only the read model is late. Answer anyway.
      this.logger.warn(error.message);
    }
  }
}
