import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceCommands, type WorkspaceCommandResult } from '@ledger/commands';
import { workspaceStream } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { EVENT_STORE, ReadYourWrites } from '@ledger/runtime';

/**
 * Read-your-writes for a command whose answer is read from the read model. A command that
 * appended waits for its append; one that appended nothing because it was already recorded (a
 * retry after a crash, before the read model caught up) waits for the workspace stream's last
 * event, which is at or after the earlier attempt's.
 */
@Injectable()
export class WaitUntilShown {
  constructor(
    private readonly readYourWrites: ReadYourWrites,
    private readonly workspaces: WorkspaceCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async after(workspaceId: string, result: WorkspaceCommandResult): Promise<void> {
    await this.readYourWrites.waitFor(result.position ?? (await this.lastPosition(workspaceId)));
  }

  private async lastPosition(workspaceId: string): Promise<string | null> {
    const { revision } = await this.workspaces.load(workspaceId);
    if (revision === 'no_stream') return null;
    const stream = workspaceStream(workspaceId);
    for await (const last of this.store.readStream(stream, {
      fromRevision: revision,
      maxCount: 1,
    })) {
      return last.position;
    }
    return null;
  }
}
