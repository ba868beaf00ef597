import type Database from 'better-sqlite3';
import { openDurableSqlite } from '@ledger/stores';
import type { Platform } from '@ledger/domain';
import { SqliteCheckpoints } from '@ledger/event-store/feed';
import type { DuePost, DuePostChange, DuePostsStore, PublishingMarker } from './due-posts.port';

interface DueRow {
  post_id: string;
  workspace_id: string;
  connection_id: string;
  platform: string;
  content: string;
  publish_at: number;
}

interface MarkerRow {
  post_id: string;
  attempt: string;
  started_at: string;
  platform_post_id: string | null;
}

/** The due-posts index in a SQLite file (WAL, synchronous=FULL); one transaction per apply. */
export class SqliteDuePostsStore implements DuePostsStore {
  private readonly db: Database.Database;
  private readonly checkpoints: SqliteCheckpoints;
  private readonly applyTx: (
    changes: DuePostChange[],
    checkpoint: { projection: string; position: string },
  ) => void;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS due_posts (
        post_id TEXT PRIMARY KEY,
        workspace_id TEXT,
        connection_id TEXT,
        platform TEXT,
        content TEXT,
        publish_at INTEGER,
        done INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS due_posts_due ON due_posts (done, publish_at, post_id);
      CREATE TABLE IF NOT EXISTS due_posts_checkpoints (
        projection TEXT PRIMARY KEY,
        position TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS publishing_markers (
        post_id TEXT PRIMARY KEY,
        attempt TEXT NOT NULL,
        started_at TEXT NOT NULL,
        platform_post_id TEXT
      );
    `);
    const schedule = this.db.prepare(
      `INSERT INTO due_posts (post_id, workspace_id, connection_id, platform, content, publish_at, done)
       VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (post_id) DO NOTHING`,
    );
    // A removal seen before (or without) its PostScheduled leaves a tombstone.
    const done = this.db.prepare(
      `INSERT INTO due_posts (post_id, done) VALUES (?, 1)
       ON CONFLICT (post_id) DO UPDATE SET done = 1, content = NULL`,
    );
    const dropMarker = this.db.prepare('DELETE FROM publishing_markers WHERE post_id = ?');
    this.checkpoints = new SqliteCheckpoints(this.db, 'due_posts_checkpoints');
    const applyAll = this.db.transaction(
      (changes: DuePostChange[], checkpoint: { projection: string; position: string }) => {
        for (const change of changes) {
          if (change.kind === 'scheduled') {
            const p = change.post;
            schedule.run(
              p.postId,
              p.workspaceId,
              p.connectionId,
              p.platform,
              p.content,
              Date.parse(p.publishAt),
            );
          } else {
            done.run(change.postId);
            dropMarker.run(change.postId);
          }
        }
        this.checkpoints.advance(checkpoint.projection, checkpoint.position);
      },
    );
    // IMMEDIATE: take the write lock up front (another process may feed the same file).
    this.applyTx = (changes, checkpoint) => applyAll.immediate(changes, checkpoint);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteDuePostsStore {
    return new SqliteDuePostsStore(sqlitePath);
  }

  async apply(
    changes: DuePostChange[],
    checkpoint: { projection: string; position: string },
  ): Promise<void> {
    this.applyTx(changes, checkpoint);
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async listDue(before: string, limit: number): Promise<DuePost[]> {
    const rows = this.db
      .prepare<[number, number], DueRow>(
        `SELECT post_id, workspace_id, connection_id, platform, content, publish_at FROM due_posts
         WHERE done = 0 AND publish_at <= ? ORDER BY publish_at, post_id LIMIT ?`,
      )
      .all(Date.parse(before), limit);
    return rows.map((row) => ({
      postId: row.post_id,
      workspaceId: row.workspace_id,
      connectionId: row.connection_id,
      platform: row.platform as Platform,
      content: row.content,
      publishAt: new Date(row.publish_at).toISOString(),
    }));
  }

  async reset(projection: string): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM due_posts').run();
        this.checkpoints.drop(projection);
      })
      .immediate();
  }

  async beginPublishing(marker: Omit<PublishingMarker, 'platformPostId'>): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO publishing_markers (post_id, attempt, started_at) VALUES (?, ?, ?)
         ON CONFLICT (post_id) DO NOTHING`,
      )
      .run(marker.postId, marker.attempt, marker.startedAt);
    return result.changes === 1;
  }

  async completePublishing(postId: string, platformPostId: string): Promise<void> {
    this.db
      .prepare('UPDATE publishing_markers SET platform_post_id = ? WHERE post_id = ?')
      .run(platformPostId, postId);
  }

  async abandonPublishing(postId: string): Promise<void> {
    this.db.prepare('DELETE FROM publishing_markers WHERE post_id = ?').run(postId);
  }

  async publishingMarker(postId: string): Promise<PublishingMarker | null> {
    const row = this.db
      .prepare<[string], MarkerRow>('SELECT * FROM publishing_markers WHERE post_id = ?')
      .get(postId);
    return row
      ? {
          postId: row.post_id,
          attempt: row.attempt,
          startedAt: row.started_at,
          platformPostId: row.platform_post_id,
        }
      : null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
