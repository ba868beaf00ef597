import type Database from 'better-sqlite3';
import type { PendingSelection, PendingSelectionStore } from './pending-selection';
import { openDurableSqlite } from '@ledger/stores';

interface Row {
  body: string;
  expires_at: number;
}

/** Pending selections in a SQLite file; DELETE ... RETURNING makes `take` single use. */
export class SqlitePendingSelectionStore implements PendingSelectionStore {
  private readonly db: Database.Database;

  private constructor(filePath: string) {
    this.db = openDurableSqlite(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS pending_selections (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS pending_selections_expiry ON pending_selections (expires_at);
    `);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqlitePendingSelectionStore {
    return new SqlitePendingSelectionStore(sqlitePath);
  }

  async save(selection: PendingSelection): Promise<void> {
    this.db
      .prepare('INSERT INTO pending_selections (id, body, expires_at) VALUES (?, ?, ?)')
      .run(selection.id, JSON.stringify(selection), selection.expiresAt.getTime());
  }

  async find(id: string, now: Date): Promise<PendingSelection | null> {
    const row = this.db
      .prepare<[string], Row>('SELECT body, expires_at FROM pending_selections WHERE id = ?')
      .get(id);
    if (!row || row.expires_at <= now.getTime()) return null;
    return revive(JSON.parse(row.body) as PendingSelection);
  }

  async take(id: string, now: Date): Promise<PendingSelection | null> {
    // An expired row stays: purgeExpired hands it over so its sealed tokens get shredded.
    const row = this.db
      .prepare<[string, number], Row>(
        'DELETE FROM pending_selections WHERE id = ? AND expires_at > ? RETURNING body, expires_at',
      )
      .get(id, now.getTime());
    return row ? revive(JSON.parse(row.body) as PendingSelection) : null;
  }

  async purgeExpired(now: Date): Promise<PendingSelection[]> {
    return this.db
      .prepare<[number], Row>(
        'DELETE FROM pending_selections WHERE expires_at <= ? RETURNING body, expires_at',
      )
      .all(now.getTime())
      .map((row) => revive(JSON.parse(row.body) as PendingSelection));
  }

  async takeWorkspace(workspaceId: string): Promise<PendingSelection[]> {
    return this.db
      .prepare<[string], Row>(
        "DELETE FROM pending_selections WHERE json_extract(body, '$.workspaceId') = ? RETURNING body, expires_at",
      )
      .all(workspaceId)
      .map((row) => revive(JSON.parse(row.body) as PendingSelection));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export function revive(selection: PendingSelection): PendingSelection {
  return {
    ...selection,
    createdAt: new Date(selection.createdAt),
    expiresAt: new Date(selection.expiresAt),
  };
}
