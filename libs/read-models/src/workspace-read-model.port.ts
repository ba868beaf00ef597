import type { CopiedFrom, Plan, Platform } from '@ledger/domain';
import type { PublishingChange, PublishingReads } from './publishing/publishing-read-model.port';

/**
 * The read model behind /integrations, /connections, /posts and /campaigns. The projection
 * writes it, the query side reads it. Two adapters (SQLite, mongoose) pass one contract suite.
 */
export type ConnectionStatus = 'active' | 'error' | 'expired';

/** A connection as API consumers read it (ARCHITECTURE.md, "A connection reads"). */
export interface ConnectionView {
  id: string;
  workspaceId: string;
  platform: Platform;
  accountId: string;
  accountName: string;
  accountType: string;
  status: ConnectionStatus;
  statusReason: string | null;
  isMain: boolean;
  connectedAt: string;
  tokenExpiresAt: string | null;
  copiedFrom: CopiedFrom | null;
  /** Number of events that touched this connection; carried by the ETag. */
  version: number;
}

/**
 * One change the projection asks the store to make. `streamRevision` is the workspace-stream
 * revision of the event behind it: a store applies a change to a row only if the row has not
 * yet seen that revision, which makes replaying an event a no-op. `connectionRemoved` keeps
 * the row, hidden from queries, so a replayed (older) `connectionAdded` cannot resurrect it;
 * a later one (connected again) shows it afresh. A change to an unknown or removed row is
 * ignored.
 */
export type ReadModelChange =
  | { kind: 'connectionAdded'; streamRevision: number; connection: ConnectionView }
  | {
      kind: 'connectionChanged';
      streamRevision: number;
      workspaceId: string;
      connectionId: string;
      /** Fields to set; `version` is incremented by one by the store. */
      set: Partial<
        Pick<
          ConnectionView,
          'accountName' | 'status' | 'statusReason' | 'isMain' | 'tokenExpiresAt'
        >
      >;
    }
  | {
      kind: 'connectionRemoved';
      streamRevision: number;
      workspaceId: string;
      connectionId: string;
      at: string;
    }
  | { kind: 'planChanged'; streamRevision: number; workspaceId: string; plan: Plan }
  | PublishingChange;

export interface ConnectionFilter {
  platform?: Platform;
  status?: ConnectionStatus;
  /** Only connections whose token expires before this instant (ISO 8601). */
  tokenExpiresBefore?: string;
}

/**
 * A workspace's read side: its connections, plan, posts and campaigns, kept by one projection
 * under one checkpoint (stored as `connections`, its first name: renaming it would replay).
 */
export interface WorkspaceReadModel extends PublishingReads {
  /**
   * Applies the changes of one or more events and records the checkpoint, in that order. The
   * checkpoint never moves backwards (a slower instance cannot undo a faster one).
   */
  apply(
    changes: ReadModelChange[],
    checkpoint: { projection: string; position: string },
  ): Promise<void>;
  getCheckpoint(projection: string): Promise<string | null>;
  /**
   * Drops everything the projection wrote, checkpoint included, for a rebuild from scratch.
   * A store holds one projection's data; other projections' checkpoints are kept.
   */
  reset(projection: string): Promise<void>;

  /** A connection still connected; null when unknown or disconnected. */
  getConnection(workspaceId: string, connectionId: string): Promise<ConnectionView | null>;
  /** Connections still connected, ordered by connectedAt then id. */
  listConnections(workspaceId: string, filter?: ConnectionFilter): Promise<ConnectionView[]>;
  /**
   * Connected connections of every workspace whose token expires before `before`, soonest
   * first: what the refresh job looks at.
   */
  listTokensExpiringBefore(before: string, limit: number): Promise<ConnectionView[]>;
  /**
   * Connected connections of every workspace, by id, the first `limit` after `afterId` (null:
   * from the start): pages through everything, for the health check. Pass the last id of a
   * page to get the next one; a short page is the last.
   */
  listAllConnections(afterId: string | null, limit: number): Promise<ConnectionView[]>;
  /** The workspace's plan, or null when it never changed it (then it is the default plan). */
  getPlan(workspaceId: string): Promise<Plan | null>;

  close(): Promise<void>;
}
