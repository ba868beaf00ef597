import type Database from 'better-sqlite3';
import { openDurableSqlite } from '@ledger/stores';
import { shownActor } from '@ledger/event-store/shown-actor';
import type { Platform } from '@ledger/domain';
import { SqliteCheckpoints } from '@ledger/event-store/feed';
import type { AuditEntry, AuditFilter, AuditPageRequest, AuditStore } from './audit.port';

interface AuditRow {
  id: string;
  workspace_id: string;
  kind: string;
  type: string;
  at: string;
  actor_user_id: string;
  actor_role: string;
  actor_ip: string | null;
  actor_user_agent: string | null;
  actor_reason: string | null;
  correlation_id: string | null;
  connection_id: string | null;
  connection_ids: string;
  platform: string | null;
  details: string;
}

/** The audit trail in a SQLite file (WAL, synchronous=FULL); one transaction per apply. */
export class SqliteAuditStore implements AuditStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly checkpoints: SqliteCheckpoints;
  private readonly applyTx: (
    entries: AuditEntry[],
    checkpoint: { projection: string; position: string },
  ) => void;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS audit_entries (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        actor_user_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_ip TEXT,
        actor_user_agent TEXT,
        correlation_id TEXT,
        connection_id TEXT,
        connection_ids TEXT NOT NULL,
        platform TEXT,
        details TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_entries_order ON audit_entries (workspace_id, at, id);
      CREATE TABLE IF NOT EXISTS audit_checkpoints (
        projection TEXT PRIMARY KEY,
        position TEXT NOT NULL
      );
    `);
    addReasonColumn(this.db);
    this.insert = this.db.prepare(
      `INSERT INTO audit_entries (id, workspace_id, kind, type, at, actor_user_id, actor_role,
         actor_ip, actor_user_agent, actor_reason, correlation_id, connection_id, connection_ids,
         platform, details)
       VALUES (@id, @workspace_id, @kind, @type, @at, @actor_user_id, @actor_role, @actor_ip,
         @actor_user_agent, @actor_reason, @correlation_id, @connection_id, @connection_ids,
         @platform, @details)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.checkpoints = new SqliteCheckpoints(this.db, 'audit_checkpoints');
    const applyAll = this.db.transaction(
      (entries: AuditEntry[], checkpoint: { projection: string; position: string }) => {
        for (const entry of entries) this.insert.run(toRow(entry));
        this.checkpoints.advance(checkpoint.projection, checkpoint.position);
      },
    );
    this.applyTx = (entries, checkpoint) => applyAll.immediate(entries, checkpoint);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteAuditStore {
    return new SqliteAuditStore(sqlitePath);
  }

  async apply(
    entries: AuditEntry[],
    checkpoint: { projection: string; position: string },
  ): Promise<void> {
    this.applyTx(entries, checkpoint);
  }

  async record(entry: AuditEntry): Promise<void> {
    this.insert.run(toRow(entry));
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async reset(projection: string): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare(`DELETE FROM audit_entries WHERE kind = 'event'`).run();
        this.checkpoints.drop(projection);
      })
      .immediate();
  }

  async list(
    workspaceId: string,
    filter: AuditFilter,
    page: AuditPageRequest,
  ): Promise<AuditEntry[]> {
    const where = ['workspace_id = @workspaceId'];
    const params: Record<string, unknown> = { workspaceId, limit: page.limit };
    if (filter.actor !== undefined) {
      where.push('actor_user_id = @actor');
      params.actor = filter.actor;
    }
    if (filter.connectionId !== undefined) {
      where.push(`instr(connection_ids, @connectionNeedle) > 0`);
      params.connectionNeedle = `|${filter.connectionId}|`;
    }
    if (filter.platform !== undefined) {
      where.push('platform = @platform');
      params.platform = filter.platform;
    }
    if (filter.type !== undefined) {
      where.push('type = @type');
      params.type = filter.type;
    }
    if (filter.from !== undefined) {
      where.push('at >= @from');
      params.from = new Date(filter.from).toISOString();
    }
    if (filter.to !== undefined) {
      where.push('at < @to');
      params.to = new Date(filter.to).toISOString();
    }
    if (page.after) {
      where.push('(at > @afterAt OR (at = @afterAt AND id > @afterId))');
      params.afterAt = page.after.at;
      params.afterId = page.after.id;
    }
    const rows = this.db
      .prepare<[Record<string, unknown>], AuditRow>(
        `SELECT * FROM audit_entries WHERE ${where.join(' AND ')} ORDER BY at, id LIMIT @limit`,
      )
      .all(params);
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRow(entry: AuditEntry): AuditRow {
  return {
    id: entry.id,
    workspace_id: entry.workspaceId,
    kind: entry.kind,
    type: entry.type,
    at: entry.at,
    actor_user_id: entry.actor.userId,
    actor_role: entry.actor.role,
    actor_ip: entry.actor.ip,
    actor_user_agent: entry.actor.userAgent,
    actor_reason: entry.actor.reason ?? null,
    correlation_id: entry.correlationId,
    connection_id: entry.connectionId,
    // Delimited on both sides so a filter matches whole ids only.
    connection_ids: `|${entry.connectionIds.join('|')}|`,
    platform: entry.platform,
    details: JSON.stringify(entry.details),
  };
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind as AuditEntry['kind'],
    type: row.type,
    at: row.at,
    // Rows projected before the reason had its column are shown as shownActor says.
    actor: shownActor({
      userId: row.actor_user_id,
      role: row.actor_role,
      ip: row.actor_ip,
      userAgent: row.actor_user_agent,
      reason: row.actor_reason,
    }),
    correlationId: row.correlation_id,
    connectionId: row.connection_id,
    connectionIds: row.connection_ids.split('|').filter((id) => id !== ''),
    platform: row.platform as Platform | null,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** Files written before the actor's reason had its own column get it (empty for old rows). */
function addReasonColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(audit_entries)').all();
  if (columns.some((c) => c.name === 'actor_reason')) return;
  db.exec('ALTER TABLE audit_entries ADD COLUMN actor_reason TEXT');
}
