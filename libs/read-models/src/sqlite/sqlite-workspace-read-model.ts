import type Database from 'better-sqlite3';
import type { Plan } from '@ledger/domain';
import type {
  ConnectionFilter,
  WorkspaceReadModel,
  ConnectionView,
  ReadModelChange,
} from '../workspace-read-model.port';
import { toEpochMs } from '../instants';
import { SqliteCheckpoints } from '@ledger/event-store/feed';
import {
  prepareStatements,
  SCHEMA,
  TABLES,
  toView,
  type ConnectionRow,
  type Statements,
} from './schema';
import { openDurableSqlite } from '@ledger/stores';
import type { CampaignView, PostsPage, PostView } from '../publishing/publishing-read-model.port';
import { SqlitePublishingTables } from './sqlite-publishing-tables';

type Checkpoint = { projection: string; position: string };

/**
 * The connections read model embedded in a SQLite file (used when MONGODB_URI is unset).
 * Each `apply` is one transaction holding the changes and the checkpoint, so the checkpoint
 * never runs ahead of the data. Rows also carry the stream revision they last saw, so a replay
 * after a crash, or a second instance applying the same events, changes nothing.
 */
export class SqliteWorkspaceReadModel implements WorkspaceReadModel {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly checkpoints: SqliteCheckpoints;
  private readonly publishing: SqlitePublishingTables;
  private readonly applyTx: Database.Transaction<(c: ReadModelChange[], p: Checkpoint) => void>;

  private constructor(filePath: string) {
    // The model is rebuildable and the checkpoint commits with the data, so losing the last
    // transactions on power loss only means replaying them: NORMAL is enough.
    this.db = openDurableSqlite(filePath, { synchronous: 'NORMAL' });
    this.db.exec(SCHEMA);
    this.statements = prepareStatements(this.db);
    this.checkpoints = new SqliteCheckpoints(this.db, TABLES.checkpoints);
    this.publishing = new SqlitePublishingTables(this.db, TABLES.checkpoints);
    this.applyTx = this.db.transaction((changes: ReadModelChange[], checkpoint: Checkpoint) => {
      for (const change of changes) this.applyOne(change);
      this.checkpoints.advance(checkpoint.projection, checkpoint.position);
    });
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteWorkspaceReadModel {
    return new SqliteWorkspaceReadModel(sqlitePath);
  }

  async apply(changes: ReadModelChange[], checkpoint: Checkpoint): Promise<void> {
    // IMMEDIATE takes the write lock up front: another instance on the file waits for it.
    this.applyTx.immediate(changes, checkpoint);
  }

  private applyOne(change: ReadModelChange): void {
    const s = this.statements;
    switch (change.kind) {
      case 'connectionAdded': {
        const c = change.connection;
        s.addConnection.run({
          ...c,
          isMain: c.isMain ? 1 : 0,
          connectedAtMs: toEpochMs(c.connectedAt),
          tokenExpiresAtMs: c.tokenExpiresAt === null ? null : toEpochMs(c.tokenExpiresAt),
          copiedFrom: c.copiedFrom ? JSON.stringify(c.copiedFrom) : null,
          streamRevision: change.streamRevision,
        });
        return;
      }
      case 'connectionChanged': {
        const set = change.set;
        // One statement for every combination of fields: a `has*` flag keeps the old value.
        s.changeConnection.run({
          workspaceId: change.workspaceId,
          id: change.connectionId,
          streamRevision: change.streamRevision,
          hasAccountName: has(set, 'accountName'),
          accountName: set.accountName ?? null,
          hasStatus: has(set, 'status'),
          status: set.status ?? null,
          hasStatusReason: has(set, 'statusReason'),
          statusReason: set.statusReason ?? null,
          hasIsMain: has(set, 'isMain'),
          isMain: set.isMain ? 1 : 0,
          hasTokenExpiresAt: has(set, 'tokenExpiresAt'),
          tokenExpiresAt: set.tokenExpiresAt ?? null,
          tokenExpiresAtMs: set.tokenExpiresAt ? toEpochMs(set.tokenExpiresAt) : null,
        });
        return;
      }
      case 'connectionRemoved':
        s.removeConnection.run({
          workspaceId: change.workspaceId,
          id: change.connectionId,
          streamRevision: change.streamRevision,
          at: change.at,
        });
        return;
      case 'planChanged':
        s.setPlan.run({
          workspaceId: change.workspaceId,
          plan: change.plan,
          streamRevision: change.streamRevision,
        });
        return;
      default:
        this.publishing.apply(change);
    }
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async reset(projection: string): Promise<void> {
    // The file holds this one projection's tables; other projections' checkpoints stay.
    this.db
      .transaction(() => {
        this.db.exec(`DELETE FROM ${TABLES.connections}; DELETE FROM ${TABLES.plans};`);
        this.publishing.reset();
        this.checkpoints.drop(projection);
      })
      .immediate();
  }

  async getConnection(workspaceId: string, connectionId: string): Promise<ConnectionView | null> {
    const row = this.statements.getConnection.get(workspaceId, connectionId) as
      ConnectionRow | undefined;
    return row ? toView(row) : null;
  }

  async listConnections(
    workspaceId: string,
    filter: ConnectionFilter = {},
  ): Promise<ConnectionView[]> {
    const rows = this.statements.listConnections.all({
      workspaceId,
      platform: filter.platform ?? null,
      status: filter.status ?? null,
      before: filter.tokenExpiresBefore ? toEpochMs(filter.tokenExpiresBefore) : null,
    }) as ConnectionRow[];
    return rows.map(toView);
  }

  async listTokensExpiringBefore(before: string, limit: number): Promise<ConnectionView[]> {
    const rows = this.statements.listExpiring.all({
      before: toEpochMs(before),
      limit,
    }) as ConnectionRow[];
    return rows.map(toView);
  }

  async listAllConnections(afterId: string | null, limit: number): Promise<ConnectionView[]> {
    const rows = this.statements.listAll.all({ afterId, limit }) as ConnectionRow[];
    return rows.map(toView);
  }

  async getPlan(workspaceId: string): Promise<Plan | null> {
    const row = this.statements.getPlan.get(workspaceId) as { plan: Plan } | undefined;
    return row?.plan ?? null;
  }

  async getPost(workspaceId: string, postId: string): Promise<PostView | null> {
    return this.publishing.getPost(workspaceId, postId);
  }

  async listPosts(workspaceId: string, page: PostsPage): Promise<PostView[]> {
    return this.publishing.listPosts(workspaceId, page);
  }

  async listCampaigns(workspaceId: string): Promise<CampaignView[]> {
    return this.publishing.listCampaigns(workspaceId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function has(set: object, field: string): 0 | 1 {
  return (set as Record<string, unknown>)[field] !== undefined ? 1 : 0;
}
