import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@ledger/domain';
import type { ConnectionsReadModel } from '@ledger/read-models';
import { responseOf, type ConnectionResponse } from '../list-connections/connection-views';
import { setEtag } from '../http/etag';
import { CONNECTIONS_READ_MODEL } from '../storage/injection-tokens';
import { ReadYourWrites } from '../storage/read-your-writes';

/** Answers with one connection from the read model, its version in the ETag. */
@Injectable()
export class ConnectionResponder {
  constructor(
    @Inject(CONNECTIONS_READ_MODEL) private readonly readModel: ConnectionsReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async respond(
    workspaceId: string,
    connectionId: string,
    after: string | null,
    response: Response,
  ): Promise<ConnectionResponse> {
    const connection = await this.find(workspaceId, connectionId, after);
    setEtag(response, connection.version);
    return connection;
  }

  /** The connection once the read model has applied `after` (the caller's own write). */
  async find(
    workspaceId: string,
    connectionId: string,
    after: string | null,
  ): Promise<ConnectionResponse> {
    await this.readYourWrites.waitFor(after);
    const connection = await this.readModel.getConnection(workspaceId, connectionId);
    if (!connection) {
      throw new DomainError('NOT_FOUND', `No connection ${connectionId} in this workspace.`, {
        connectionId,
      });
    }
    return responseOf(connection);
  }
}
