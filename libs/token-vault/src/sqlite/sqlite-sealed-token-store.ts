import type Database from 'better-sqlite3';
import type { SealedTokenRecord, SealedTokenStore, TokenRef } from '../sealed-token-store.port';
import { openDurableSqlite } from '@ledger/stores';

interface Row {
  workspace_id: string;
  connection_id: string;
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
  sealed_at: string;
}

const COLUMNS = 'workspace_id, connection_id, key_id, iv, auth_tag, ciphertext, sealed_at';

/**
 * Sealed tokens in a SQLite file of their own. WAL with synchronous=FULL: an acknowledged write
 * survives a crash. secure_delete zeroes deleted and overwritten rows, and a destroy truncates
 * the WAL, so a shredded ciphertext does not linger in free pages or old WAL frames.
 */
export class SqliteSealedTokenStore implements SealedTokenStore {
  private readonly db: Database.Database;
  private readonly statements;

  private constructor(readonly filePath: string) {
    this.db = openDurableSqlite(filePath, { secureDelete: true });
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sealed_tokens (
        workspace_id TEXT NOT NULL,
        connection_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        iv BLOB NOT NULL,
        auth_tag BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        sealed_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connection_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS sealed_tokens_key_id ON sealed_tokens (key_id);
    `);
    this.statements = {
      put: this.db.prepare(
        `INSERT INTO sealed_tokens (${COLUMNS})
         VALUES (@workspace_id, @connection_id, @key_id, @iv, @auth_tag, @ciphertext, @sealed_at)
         ON CONFLICT (workspace_id, connection_id) DO UPDATE SET
           key_id = excluded.key_id, iv = excluded.iv, auth_tag = excluded.auth_tag,
           ciphertext = excluded.ciphertext, sealed_at = excluded.sealed_at`,
      ),
      replace: this.db.prepare(
        `UPDATE sealed_tokens SET key_id = @key_id, iv = @iv, auth_tag = @auth_tag,
           ciphertext = @ciphertext, sealed_at = @sealed_at
         WHERE workspace_id = @workspace_id AND connection_id = @connection_id AND iv = @expected_iv`,
      ),
      get: this.db.prepare(
        `SELECT ${COLUMNS} FROM sealed_tokens WHERE workspace_id = ? AND connection_id = ?`,
      ),
      delete: this.db.prepare(
        'DELETE FROM sealed_tokens WHERE workspace_id = ? AND connection_id = ?',
      ),
      deleteWorkspace: this.db.prepare('DELETE FROM sealed_tokens WHERE workspace_id = ?'),
      countByKeyId: this.db.prepare(
        'SELECT key_id, COUNT(*) AS n FROM sealed_tokens GROUP BY key_id',
      ),
      firstOthers: this.db.prepare(
        `SELECT ${COLUMNS} FROM sealed_tokens WHERE key_id <> ?
         ORDER BY workspace_id, connection_id LIMIT ?`,
      ),
      nextOthers: this.db.prepare(
        `SELECT ${COLUMNS} FROM sealed_tokens
         WHERE key_id <> ? AND (workspace_id, connection_id) > (?, ?)
         ORDER BY workspace_id, connection_id LIMIT ?`,
      ),
    };
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteSealedTokenStore {
    return new SqliteSealedTokenStore(sqlitePath);
  }

  async put(record: SealedTokenRecord): Promise<void> {
    this.statements.put.run(toRow(record));
  }

  async replace(record: SealedTokenRecord, expectedIv: Buffer): Promise<boolean> {
    return this.statements.replace.run({ ...toRow(record), expected_iv: expectedIv }).changes === 1;
  }

  async get(workspaceId: string, connectionId: string): Promise<SealedTokenRecord | null> {
    const row = this.statements.get.get(workspaceId, connectionId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async delete(workspaceId: string, connectionId: string): Promise<boolean> {
    const deleted = this.statements.delete.run(workspaceId, connectionId).changes;
    if (deleted > 0) this.scrubWal();
    return deleted > 0;
  }

  async deleteWorkspace(workspaceId: string): Promise<number> {
    const deleted = this.statements.deleteWorkspace.run(workspaceId).changes;
    if (deleted > 0) this.scrubWal();
    return deleted;
  }

  async countByKeyId(): Promise<Record<string, number>> {
    const rows = this.statements.countByKeyId.all() as { key_id: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.key_id, r.n]));
  }

  async listSealedWithOtherKeys(options: {
    exceptKeyId: string;
    after?: TokenRef;
    limit: number;
  }): Promise<SealedTokenRecord[]> {
    const { exceptKeyId, after, limit } = options;
    const rows = (
      after
        ? this.statements.nextOthers.all(exceptKeyId, after.workspaceId, after.connectionId, limit)
        : this.statements.firstOthers.all(exceptKeyId, limit)
    ) as Row[];
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * The WAL still holds earlier images of the pages the deleted rows lived on; checkpoint them
   * into the (zeroed) database and truncate it. Best effort: a reader pinning old frames only
   * delays it to the next destroy or checkpoint.
   */
  private scrubWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

function toRow(record: SealedTokenRecord): Row {
  return {
    workspace_id: record.workspaceId,
    connection_id: record.connectionId,
    key_id: record.keyId,
    iv: record.iv,
    auth_tag: record.authTag,
    ciphertext: record.ciphertext,
    sealed_at: record.sealedAt,
  };
}

function fromRow(row: Row): SealedTokenRecord {
  return {
    workspaceId: row.workspace_id,
    connectionId: row.connection_id,
    keyId: row.key_id,
    iv: row.iv,
    authTag: row.auth_tag,
    ciphertext: row.ciphertext,
    sealedAt: row.sealed_at,
  };
}
