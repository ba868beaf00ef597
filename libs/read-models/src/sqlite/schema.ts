import type Database from 'better-sqlite3';
import type { CopiedFrom, Platform } from '@ledger/domain';
import type { ConnectionStatus, ConnectionView } from '../workspace-read-model.port';

/** Table names that cannot clash with the event store's, should both share one file. */
export const TABLES = {
  connections: 'rm_connections',
  plans: 'rm_workspace_plans',
  checkpoints: 'rm_checkpoints',
} as const;

/**
 * `stream_revision` is the last workspace-stream revision applied to the row: a change with
 * an older or equal revision is a replay and is skipped. `*_ms` columns hold instants as epoch
 * ms for filtering and ordering. `disconnected_at` soft-removes a row so that a replayed
 * ConnectionConnected cannot bring it back.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${TABLES.connections} (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  platform TEXT NOT NULL,
  account_id TEXT NOT NULL,
  account_name TEXT NOT NULL,
  account_type TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT,
  is_main INTEGER NOT NULL,
  connected_at TEXT NOT NULL,
  connected_at_ms INTEGER NOT NULL,
  token_expires_at TEXT,
  token_expires_at_ms INTEGER,
  copied_from TEXT,
  version INTEGER NOT NULL,
  stream_revision INTEGER NOT NULL,
  disconnected_at TEXT,
  PRIMARY KEY (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${TABLES.connections}_listed
  ON ${TABLES.connections} (workspace_id, connected_at_ms, id) WHERE disconnected_at IS NULL;
CREATE INDEX IF NOT EXISTS ${TABLES.connections}_expiring
  ON ${TABLES.connections} (token_expires_at_ms, id) WHERE disconnected_at IS NULL;
CREATE INDEX IF NOT EXISTS ${TABLES.connections}_by_id
  ON ${TABLES.connections} (id, workspace_id) WHERE disconnected_at IS NULL;
CREATE TABLE IF NOT EXISTS ${TABLES.plans} (
  workspace_id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  stream_revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${TABLES.checkpoints} (
  projection TEXT PRIMARY KEY,
  position TEXT NOT NULL
);
`;

const C = TABLES.connections;

export function prepareStatements(db: Database.Database) {
  return {
    // A row that saw a later revision (e.g. its disconnect) keeps it; otherwise the add wins.
    addConnection: db.prepare(`
      INSERT INTO ${C} (workspace_id, id, platform, account_id, account_name, account_type,
        status, status_reason, is_main, connected_at, connected_at_ms, token_expires_at,
        token_expires_at_ms, copied_from, version, stream_revision, disconnected_at)
      VALUES (@workspaceId, @id, @platform, @accountId, @accountName, @accountType,
        @status, @statusReason, @isMain, @connectedAt, @connectedAtMs, @tokenExpiresAt,
        @tokenExpiresAtMs, @copiedFrom, @version, @streamRevision, NULL)
      ON CONFLICT (workspace_id, id) DO UPDATE SET
        platform = excluded.platform, account_id = excluded.account_id,
        account_name = excluded.account_name, account_type = excluded.account_type,
        status = excluded.status, status_reason = excluded.status_reason,
        is_main = excluded.is_main, connected_at = excluded.connected_at,
        connected_at_ms = excluded.connected_at_ms, token_expires_at = excluded.token_expires_at,
        token_expires_at_ms = excluded.token_expires_at_ms, copied_from = excluded.copied_from,
        version = excluded.version, stream_revision = excluded.stream_revision,
        disconnected_at = NULL
      WHERE ${C}.stream_revision < excluded.stream_revision`),
    changeConnection: db.prepare(`
      UPDATE ${C} SET
        account_name = CASE WHEN @hasAccountName THEN @accountName ELSE account_name END,
        status = CASE WHEN @hasStatus THEN @status ELSE status END,
        status_reason = CASE WHEN @hasStatusReason THEN @statusReason ELSE status_reason END,
        is_main = CASE WHEN @hasIsMain THEN @isMain ELSE is_main END,
        token_expires_at = CASE WHEN @hasTokenExpiresAt THEN @tokenExpiresAt ELSE token_expires_at END,
        token_expires_at_ms =
          CASE WHEN @hasTokenExpiresAt THEN @tokenExpiresAtMs ELSE token_expires_at_ms END,
        version = version + 1,
        stream_revision = @streamRevision
      WHERE workspace_id = @workspaceId AND id = @id AND stream_revision < @streamRevision
        AND disconnected_at IS NULL`),
    removeConnection: db.prepare(`
      UPDATE ${C} SET disconnected_at = @at, version = version + 1, stream_revision = @streamRevision
      WHERE workspace_id = @workspaceId AND id = @id AND stream_revision < @streamRevision
        AND disconnected_at IS NULL`),
    setPlan: db.prepare(`
      INSERT INTO ${TABLES.plans} (workspace_id, plan, stream_revision)
      VALUES (@workspaceId, @plan, @streamRevision)
      ON CONFLICT (workspace_id) DO UPDATE SET
        plan = excluded.plan, stream_revision = excluded.stream_revision
      WHERE ${TABLES.plans}.stream_revision < excluded.stream_revision`),
    getConnection: db.prepare(
      `SELECT * FROM ${C} WHERE workspace_id = ? AND id = ? AND disconnected_at IS NULL`,
    ),
    listConnections: db.prepare(`
      SELECT * FROM ${C}
      WHERE workspace_id = @workspaceId AND disconnected_at IS NULL
        AND (@platform IS NULL OR platform = @platform)
        AND (@status IS NULL OR status = @status)
        AND (@before IS NULL OR token_expires_at_ms < @before)
      ORDER BY connected_at_ms, id`),
    listExpiring: db.prepare(`
      SELECT * FROM ${C}
      WHERE disconnected_at IS NULL AND token_expires_at_ms IS NOT NULL AND token_expires_at_ms < @before
      ORDER BY token_expires_at_ms, id
      LIMIT @limit`),
    listAll: db.prepare(`
      SELECT * FROM ${C}
      WHERE disconnected_at IS NULL AND (@afterId IS NULL OR id > @afterId)
      ORDER BY id, workspace_id
      LIMIT @limit`),
    getPlan: db.prepare(`SELECT plan FROM ${TABLES.plans} WHERE workspace_id = ?`),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export interface ConnectionRow {
  workspace_id: string;
  id: string;
  platform: Platform;
  account_id: string;
  account_name: string;
  account_type: string;
  status: ConnectionStatus;
  status_reason: string | null;
  is_main: number;
  connected_at: string;
  token_expires_at: string | null;
  copied_from: string | null;
  version: number;
}

export function toView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    platform: row.platform,
    accountId: row.account_id,
    accountName: row.account_name,
    accountType: row.account_type,
    status: row.status,
    statusReason: row.status_reason,
    isMain: row.is_main === 1,
    connectedAt: row.connected_at,
    tokenExpiresAt: row.token_expires_at,
    copiedFrom: row.copied_from ? (JSON.parse(row.copied_from) as CopiedFrom) : null,
    version: row.version,
  };
}
