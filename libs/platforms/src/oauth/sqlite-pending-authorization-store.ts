import type Database from 'better-sqlite3';
import type { Platform } from '@ledger/domain';
import {
  PendingAuthorizationExistsError,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { openDurableSqlite } from '@ledger/stores';

interface Row {
  state: string;
  platform: string;
  body: string;
  created_at: number;
  expires_at: number;
}

type Body = Pick<
  PendingAuthorization,
  'userId' | 'workspaceId' | 'intent' | 'codeVerifier' | 'actor' | 'browserBindingHash'
>;

/**
 * Pending authorizations in an SQLite file. `DELETE ... RETURNING` makes `take` one
 * atomic statement, so two connections (two API processes) never both get a state.
 */
export class SqlitePendingAuthorizationStore implements PendingAuthorizationStore {
  private readonly insert: Database.Statement<[string, string, string, number, number]>;
  private readonly purge: Database.Statement<[number]>;
  private readonly remove: Database.Statement<[string], Row>;

  private constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS oauth_pending_authorizations (
        state TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS oauth_pending_authorizations_expiry
        ON oauth_pending_authorizations (expires_at);
    `);
    this.insert = db.prepare(
      'INSERT INTO oauth_pending_authorizations (state, platform, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.purge = db.prepare('DELETE FROM oauth_pending_authorizations WHERE expires_at <= ?');
    this.remove = db.prepare<[string], Row>(
      'DELETE FROM oauth_pending_authorizations WHERE state = ? RETURNING *',
    );
  }

  /** Opens (or creates) the file with the durability settings the rest of the service uses. */
  static open({ sqlitePath }: { sqlitePath: string }): SqlitePendingAuthorizationStore {
    return new SqlitePendingAuthorizationStore(openDurableSqlite(sqlitePath));
  }

  async save(pending: PendingAuthorization): Promise<void> {
    const body: Body = {
      userId: pending.userId,
      workspaceId: pending.workspaceId,
      intent: pending.intent,
      codeVerifier: pending.codeVerifier,
      actor: pending.actor,
      browserBindingHash: pending.browserBindingHash,
    };
    try {
      this.db.transaction(() => {
        // Abandoned flows would otherwise pile up; sweeping on write keeps the table small.
        this.purge.run(pending.createdAt.getTime());
        this.insert.run(
          pending.state,
          pending.platform,
          JSON.stringify(body),
          pending.createdAt.getTime(),
          pending.expiresAt.getTime(),
        );
      })();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new PendingAuthorizationExistsError();
      }
      throw error;
    }
  }

  async take(state: string, now: Date): Promise<PendingAuthorization | null> {
    // Deleted even when expired: an expired state is as dead as a used one.
    const row = this.remove.get(state);
    if (!row || row.expires_at <= now.getTime()) return null;
    const body = JSON.parse(row.body) as Body;
    return {
      state: row.state,
      platform: row.platform as Platform,
      ...body,
      browserBindingHash: body.browserBindingHash ?? null,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async cancelWorkspace(workspaceId: string): Promise<number> {
    return this.db
      .prepare<[string]>(
        "DELETE FROM oauth_pending_authorizations WHERE json_extract(body, '$.workspaceId') = ?",
      )
      .run(workspaceId).changes;
  }

  close(): void {
    this.db.close();
  }
}
