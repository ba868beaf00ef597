import type Database from 'better-sqlite3';
import type {
  StoredWebhookSubscription,
  WebhookSubscriptionStore,
} from '../subscription-store.port';
import type { WebhookEventType } from '../webhook-events';
import { openWebhooksDb, webhooksDbPath } from './open-webhooks-db';

interface Row {
  workspace_id: string;
  subscription_id: string;
  url: string;
  events: string;
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
  created_at: number;
  updated_at: number;
}

/** Webhook subscriptions in a SQLite file (one row per workspace, the secret sealed). */
export class SqliteWebhookSubscriptionStore implements WebhookSubscriptionStore {
  private readonly db: Database.Database;
  private readonly statements;

  private constructor(readonly filePath: string) {
    this.db = openWebhooksDb(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_subscriptions (
        workspace_id TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        key_id TEXT NOT NULL,
        iv BLOB NOT NULL,
        auth_tag BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    this.statements = {
      put: this.db.prepare(
        `INSERT INTO webhook_subscriptions
           (workspace_id, subscription_id, url, events, key_id, iv, auth_tag, ciphertext,
            created_at, updated_at)
         VALUES (@workspace_id, @subscription_id, @url, @events, @key_id, @iv, @auth_tag,
            @ciphertext, @created_at, @updated_at)
         ON CONFLICT (workspace_id) DO UPDATE SET
           subscription_id = excluded.subscription_id, url = excluded.url,
           events = excluded.events, key_id = excluded.key_id, iv = excluded.iv,
           auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext,
           created_at = excluded.created_at, updated_at = excluded.updated_at`,
      ),
      get: this.db.prepare('SELECT * FROM webhook_subscriptions WHERE workspace_id = ?'),
      remove: this.db.prepare('DELETE FROM webhook_subscriptions WHERE workspace_id = ?'),
      removeIf: this.db.prepare(
        'DELETE FROM webhook_subscriptions WHERE workspace_id = ? AND subscription_id = ?',
      ),
    };
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteWebhookSubscriptionStore {
    return new SqliteWebhookSubscriptionStore(sqlitePath);
  }

  /** `DATA_DIR/webhooks.sqlite`. */
  static inDataDir(dataDir: string): SqliteWebhookSubscriptionStore {
    return new SqliteWebhookSubscriptionStore(webhooksDbPath(dataDir));
  }

  async put(s: StoredWebhookSubscription): Promise<void> {
    this.statements.put.run({
      workspace_id: s.workspaceId,
      subscription_id: s.subscriptionId,
      url: s.url,
      events: JSON.stringify(s.events),
      key_id: s.secret.keyId,
      iv: s.secret.iv,
      auth_tag: s.secret.authTag,
      ciphertext: s.secret.ciphertext,
      created_at: s.createdAt.getTime(),
      updated_at: s.updatedAt.getTime(),
    });
  }

  async get(workspaceId: string): Promise<StoredWebhookSubscription | null> {
    const row = this.statements.get.get(workspaceId) as Row | undefined;
    if (!row) return null;
    return {
      workspaceId: row.workspace_id,
      subscriptionId: row.subscription_id,
      url: row.url,
      events: JSON.parse(row.events) as WebhookEventType[],
      secret: { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext },
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    };
  }

  async remove(workspaceId: string, subscriptionId?: string): Promise<boolean> {
    const result =
      subscriptionId === undefined
        ? this.statements.remove.run(workspaceId)
        : this.statements.removeIf.run(workspaceId, subscriptionId);
    return result.changes > 0;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
