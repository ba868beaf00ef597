import { Inject, Injectable } from '@nestjs/common';
import type { HttpReply } from '../http/http-exchange';
import { WorkspaceCommands } from '@ledger/commands';
import { DomainError } from '@ledger/domain';
import { isAtOrAfter, type WorkspaceReadModel } from '@ledger/read-models';
import {
  responseOf,
  viewOf,
  type ConnectionResponse,
  WORKSPACE_READ_MODEL,
  CONNECTIONS_PROJECTION,
  ReadYourWrites,
} from '@ledger/runtime';
import { setEtag } from '../http/etag';

/** Answers with one connection from the read model, its version in the ETag. */
@Injectable()
export class ConnectionResponder {
  constructor(
    @Inject(WORKSPACE_READ_MODEL) private readonly readModel: WorkspaceReadModel,
    private readonly readYourWrites: ReadYourWrites,
    private readonly workspaces: WorkspaceCommands,
  ) {}

  async respond(
    workspaceId: string,
    connectionId: string,
    after: string | null,
    response: HttpReply,
  ): Promise<ConnectionResponse> {
    const connection = await this.find(workspaceId, connectionId, after);
    setEtag(response, connection.version);
    return connection;
  }

  /**
   * The connection once the read model has applied `after` (the caller's own write). If the
   * read model is still behind after the wait (its projection is not running, e.g. right after
   * a crash, until the dead process's projection lease expires), the answer comes from the
   * workspace's events, where the write already is: not a stale row, nor a 404 for a
   * connection the command has just connected.
   */
  async find(
    workspaceId: string,
    connectionId: string,
    after: string | null,
  ): Promise<ConnectionResponse> {
    await this.readYourWrites.waitFor(after);
    // The checkpoint first: a row read after a checkpoint at `after` is at least that fresh.
    const caughtUp =
      after === null ||
      isAtOrAfter(await this.readModel.getCheckpoint(CONNECTIONS_PROJECTION), after);
    const connection = caughtUp
      ? await this.readModel.getConnection(workspaceId, connectionId)
      : await this.fromEvents(workspaceId, connectionId);
    if (!connection) {
      throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
        connectionId,
      });
    }
    return responseOf(connection);
  }

  private async fromEvents(workspaceId: string, connectionId: string) {
    const { state } = await this.workspaces.load(workspaceId);
    const connection = state.connections[connectionId];
    return connection ? viewOf(workspaceId, connection) : null;
  }
}
