import type Database from 'better-sqlite3';
import type { CampaignTarget } from '@ledger/domain';
import { toEpochMs } from '../instants';
import {
  postViewOf,
  withFlags,
  type CampaignView,
  type PostsPage,
  type PostView,
  type PublishingChange,
  type StoredFlag,
} from '../publishing/publishing-read-model.port';

const POSTS = 'rm_posts';
const CAMPAIGNS = 'rm_campaigns';
const FLAGS = 'rm_campaign_flags';

/**
 * Posts, campaigns and campaign flags, in the connections read model's file so that one
 * transaction applies them with the checkpoint. Posts carry the stream revision they last saw
 * (replays skipped); a campaign is inserted once; a flag is keyed by the revision of its event.
 * `publish_at_ms` orders the list as time, whatever spelling the instant has.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${POSTS} (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  platform TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  content TEXT NOT NULL,
  publish_at TEXT NOT NULL,
  publish_at_ms INTEGER NOT NULL,
  campaign_id TEXT,
  status TEXT NOT NULL,
  status_reason TEXT,
  platform_post_id TEXT,
  scheduled_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  stream_revision INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS ${POSTS}_listed ON ${POSTS} (workspace_id, publish_at_ms, id);
CREATE INDEX IF NOT EXISTS ${POSTS}_by_status
  ON ${POSTS} (workspace_id, status, publish_at_ms, id);
CREATE TABLE IF NOT EXISTS ${CAMPAIGNS} (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  targets TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_revision INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${CAMPAIGNS}_listed ON ${CAMPAIGNS} (workspace_id, created_revision);
CREATE TABLE IF NOT EXISTS ${FLAGS} (
  workspace_id TEXT NOT NULL,
  stream_revision INTEGER NOT NULL,
  campaign_id TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, stream_revision)
) WITHOUT ROWID;
`;

// Rows sort after this place: (publish_at_ms, id) > (@afterMs, @afterId). From the start, the
// place is before any instant.
// Rows read as views: the columns under the view's names.
const POST_VIEW = `workspace_id AS workspaceId, id, platform, connection_id AS connectionId,
  content, publish_at AS publishAt, campaign_id AS campaignId, status,
  status_reason AS statusReason, platform_post_id AS platformPostId,
  scheduled_at AS scheduledAt, updated_at AS updatedAt`;
const PAGE_WHERE = `workspace_id = @workspaceId AND (publish_at_ms, id) > (@afterMs, @afterId)`;
const PAGE_ORDER = `ORDER BY publish_at_ms, id LIMIT @limit`;

function prepare(db: Database.Database) {
  return {
    // A row that saw a later revision (published, failed) keeps it; else the schedule wins.
    schedule: db.prepare(`
      INSERT INTO ${POSTS} (workspace_id, id, platform, connection_id, content, publish_at,
        publish_at_ms, campaign_id, status, status_reason, platform_post_id, scheduled_at,
        updated_at, stream_revision)
      VALUES (@workspaceId, @id, @platform, @connectionId, @content, @publishAt, @publishAtMs,
        @campaignId, @status, @statusReason, @platformPostId, @scheduledAt, @updatedAt,
        @streamRevision)
      ON CONFLICT (workspace_id, id) DO UPDATE SET
        platform = excluded.platform, connection_id = excluded.connection_id,
        content = excluded.content, publish_at = excluded.publish_at,
        publish_at_ms = excluded.publish_at_ms, campaign_id = excluded.campaign_id,
        status = excluded.status, status_reason = excluded.status_reason,
        platform_post_id = excluded.platform_post_id, scheduled_at = excluded.scheduled_at,
        updated_at = excluded.updated_at, stream_revision = excluded.stream_revision
      WHERE ${POSTS}.stream_revision < excluded.stream_revision`),
    settle: db.prepare(`
      UPDATE ${POSTS} SET status = @status,
        status_reason = COALESCE(@statusReason, status_reason),
        platform_post_id = COALESCE(@platformPostId, platform_post_id),
        updated_at = @at, stream_revision = @streamRevision
      WHERE workspace_id = @workspaceId AND id = @postId AND stream_revision < @streamRevision`),
    createCampaign: db.prepare(`
      INSERT INTO ${CAMPAIGNS} (workspace_id, id, name, targets, created_at, created_revision)
      VALUES (@workspaceId, @id, @name, @targets, @createdAt, @streamRevision)
      ON CONFLICT (workspace_id, id) DO NOTHING`),
    flag: db.prepare(`
      INSERT INTO ${FLAGS} (workspace_id, stream_revision, campaign_id, connection_id, reason, at)
      VALUES (@workspaceId, @streamRevision, @campaignId, @connectionId, @reason, @at)
      ON CONFLICT (workspace_id, stream_revision) DO NOTHING`),
    getPost: db.prepare(`SELECT ${POST_VIEW} FROM ${POSTS} WHERE workspace_id = ? AND id = ?`),
    listPosts: db.prepare(`SELECT ${POST_VIEW} FROM ${POSTS} WHERE ${PAGE_WHERE} ${PAGE_ORDER}`),
    listPostsByStatus: db.prepare(
      `SELECT ${POST_VIEW} FROM ${POSTS} WHERE ${PAGE_WHERE} AND status = @status ${PAGE_ORDER}`,
    ),
    listCampaigns: db.prepare(
      `SELECT * FROM ${CAMPAIGNS} WHERE workspace_id = ? ORDER BY created_revision`,
    ),
    listFlags: db.prepare(
      `SELECT campaign_id, connection_id, reason, at FROM ${FLAGS}
       WHERE workspace_id = ? ORDER BY stream_revision`,
    ),
  };
}

/** The posts and campaigns part of SqliteWorkspaceReadModel; its caller holds the transaction. */
export class SqlitePublishingTables {
  private readonly statements: ReturnType<typeof prepare>;

  /** Creates the tables; `checkpoints` is the store's checkpoint table (see the comment). */
  constructor(
    private readonly db: Database.Database,
    checkpoints: string,
  ) {
    const isNew = !db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(POSTS);
    db.exec(SCHEMA);
    // A file written before posts were kept has a checkpoint past post events these tables never
    // saw: replaying from the start fills them, and every other row skips what it has seen.
    if (isNew) db.exec(`DELETE FROM ${checkpoints}`);
    this.statements = prepare(db);
  }

  apply(change: PublishingChange): void {
    const s = this.statements;
    switch (change.kind) {
      case 'postScheduled': {
        const p = change.post;
        s.schedule.run({
          ...p,
          publishAtMs: toEpochMs(p.publishAt),
          streamRevision: change.streamRevision,
        });
        return;
      }
      case 'postSettled': {
        const { workspaceId, postId, status, statusReason, platformPostId, at } = change;
        s.settle.run({
          workspaceId,
          postId,
          status,
          statusReason,
          platformPostId,
          at,
          streamRevision: change.streamRevision,
        });
        return;
      }
      case 'campaignCreated': {
        const c = change.campaign;
        s.createCampaign.run({
          ...c,
          targets: JSON.stringify(c.targets),
          streamRevision: change.streamRevision,
        });
        return;
      }
      case 'campaignFlagged':
        s.flag.run({
          workspaceId: change.workspaceId,
          campaignId: change.campaignId,
          streamRevision: change.streamRevision,
          ...change.flag,
        });
        return;
    }
  }

  /** Empties the tables (the caller drops the checkpoint in the same transaction). */
  reset(): void {
    this.db.exec(`DELETE FROM ${POSTS}; DELETE FROM ${CAMPAIGNS}; DELETE FROM ${FLAGS};`);
  }

  getPost(workspaceId: string, postId: string): PostView | null {
    const row = this.statements.getPost.get(workspaceId, postId) as PostView | undefined;
    return row ? postViewOf(row) : null;
  }

  listPosts(workspaceId: string, { status, after, limit }: PostsPage): PostView[] {
    const params = {
      workspaceId,
      afterMs: after ? toEpochMs(after[0]) : Number.MIN_SAFE_INTEGER,
      afterId: after ? after[1] : '',
      limit,
    };
    const rows = status
      ? this.statements.listPostsByStatus.all({ ...params, status })
      : this.statements.listPosts.all(params);
    return (rows as PostView[]).map(postViewOf);
  }

  listCampaigns(workspaceId: string): CampaignView[] {
    const campaigns = this.statements.listCampaigns.all(workspaceId) as CampaignRow[];
    const flags = this.statements.listFlags.all(workspaceId) as FlagRow[];
    return withFlags(
      campaigns.map((row) => ({
        id: row.id,
        workspaceId: row.workspace_id,
        name: row.name,
        targets: JSON.parse(row.targets) as CampaignTarget[],
        createdAt: row.created_at,
      })),
      flags.map((row): StoredFlag => ({
        campaignId: row.campaign_id,
        connectionId: row.connection_id,
        reason: row.reason,
        at: row.at,
      })),
    );
  }
}

interface CampaignRow {
  workspace_id: string;
  id: string;
  name: string;
  targets: string;
  created_at: string;
}

interface FlagRow {
  campaign_id: string;
  connection_id: string;
  reason: string;
  at: string;
}
