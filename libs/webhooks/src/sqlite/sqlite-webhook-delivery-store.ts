import type Database from 'better-sqlite3';
import { SqliteCheckpoints } from '@ledger/event-store/feed';
import {
  ABANDONED_ATTEMPT_ERROR,
  assertClaimOptions,
  type AttemptResult,
  type ClaimOptions,
  type DeliveryClaim,
  type DeliveryFailureReason,
  type DeliveryStatus,
  type NewWebhookDelivery,
  type NextDeliveryState,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryStore,
} from '../delivery-store.port';
import type { WebhookEventType } from '../webhook-events';
import { openWebhooksDb, webhooksDbPath } from './open-webhooks-db';

interface DeliveryRow {
  id: string;
  workspace_id: string;
  type: string;
  event_id: string;
  body: string;
  status: string;
  attempt_count: number;
  in_flight: number | null;
  next_attempt_at: number | null;
  created_at: number;
  delivered_at: number | null;
  failed_at: number | null;
  failure_reason: string | null;
}

interface AttemptRow {
  attempt: number;
  at: number;
  status: number | null;
  error: string | null;
  duration_ms: number | null;
  finished_at: number | null;
}

/**
 * The webhook outbox in a SQLite file (WAL), shared by the processes of one host. A claim is one
 * `BEGIN IMMEDIATE` transaction: it takes the file's write lock before reading what is due, so
 * no other process can read or claim between our read and our claim. The delivery row holds
 * the attempt in flight and, while it is, `next_attempt_at` is the claim's lease end.
 */
export class SqliteWebhookDeliveryStore implements WebhookDeliveryStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly checkpoints: SqliteCheckpoints;
  private readonly claimTx: (options: ClaimOptions) => DeliveryClaim[];
  private readonly completeTx: (
    claim: DeliveryClaim,
    result: AttemptResult,
    next: NextDeliveryState,
  ) => void;

  private constructor(readonly filePath: string) {
    this.db = openWebhooksDb(filePath);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        type TEXT NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt_count INTEGER NOT NULL,
        in_flight INTEGER,
        next_attempt_at INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        failed_at INTEGER,
        failure_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS webhook_deliveries_due
        ON webhook_deliveries (status, next_attempt_at);
      CREATE INDEX IF NOT EXISTS webhook_deliveries_workspace
        ON webhook_deliveries (workspace_id, created_at);
      CREATE TABLE IF NOT EXISTS webhook_attempts (
        delivery_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        claimant TEXT NOT NULL,
        at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        duration_ms INTEGER,
        finished_at INTEGER,
        PRIMARY KEY (delivery_id, attempt)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS webhook_checkpoints (
        name TEXT PRIMARY KEY,
        position TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
    this.checkpoints = new SqliteCheckpoints(this.db, 'webhook_checkpoints', 'name');
    this.statements = {
      enqueue: this.db.prepare(
        `INSERT INTO webhook_deliveries
           (id, workspace_id, type, event_id, body, status, attempt_count, next_attempt_at,
            created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      due: this.db.prepare(
        `SELECT * FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, created_at, id LIMIT ?`,
      ),
      abandon: this.db.prepare(
        `UPDATE webhook_attempts SET error = ?, finished_at = ?
         WHERE delivery_id = ? AND attempt = ? AND finished_at IS NULL`,
      ),
      insertAttempt: this.db.prepare(
        `INSERT INTO webhook_attempts (delivery_id, attempt, claimant, at, lease_until)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      markClaimed: this.db.prepare(
        `UPDATE webhook_deliveries SET attempt_count = ?, in_flight = ?, next_attempt_at = ?
         WHERE id = ?`,
      ),
      finishAttempt: this.db.prepare(
        `UPDATE webhook_attempts SET status = ?, error = ?, duration_ms = ?, finished_at = ?
         WHERE delivery_id = ? AND attempt = ?`,
      ),
      moveDelivery: this.db.prepare(
        `UPDATE webhook_deliveries
         SET status = @status, in_flight = NULL, next_attempt_at = @next_attempt_at,
             delivered_at = @delivered_at, failed_at = @failed_at, failure_reason = @failure_reason
         WHERE id = @id AND in_flight = @attempt AND status = 'pending'`,
      ),
      get: this.db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?'),
      list: this.db.prepare(
        `SELECT * FROM webhook_deliveries WHERE workspace_id = ? AND (? IS NULL OR status = ?)
         ORDER BY created_at, id LIMIT ?`,
      ),
      attempts: this.db.prepare(
        `SELECT attempt, at, status, error, duration_ms, finished_at FROM webhook_attempts
         WHERE delivery_id = ? ORDER BY attempt`,
      ),
    };

    const claim = this.db.transaction((options: ClaimOptions): DeliveryClaim[] => {
      const nowMs = options.now.getTime();
      const leaseUntil = nowMs + options.leaseMs;
      const rows = this.statements.due.all(nowMs, options.limit) as DeliveryRow[];
      return rows.map((row) => {
        // Still in flight past its lease: its dispatcher died. It counts as an attempt.
        if (row.in_flight !== null) {
          this.statements.abandon.run(ABANDONED_ATTEMPT_ERROR, nowMs, row.id, row.in_flight);
        }
        const attempt = row.attempt_count + 1;
        this.statements.insertAttempt.run(row.id, attempt, options.claimant, nowMs, leaseUntil);
        this.statements.markClaimed.run(attempt, attempt, leaseUntil, row.id);
        return {
          deliveryId: row.id,
          workspaceId: row.workspace_id,
          type: row.type as WebhookEventType,
          eventId: row.event_id,
          body: row.body,
          attempt,
          claimant: options.claimant,
          at: new Date(nowMs),
          leaseUntil: new Date(leaseUntil),
        };
      });
    });
    this.claimTx = (options) => claim.immediate(options);

    const complete = this.db.transaction(
      (c: DeliveryClaim, result: AttemptResult, next: NextDeliveryState) => {
        const finishedMs = result.finishedAt.getTime();
        this.statements.finishAttempt.run(
          result.status,
          result.error,
          Math.round(result.durationMs),
          finishedMs,
          c.deliveryId,
          c.attempt,
        );
        // Only the holder of the attempt in flight moves the delivery: a dispatcher reporting
        // after its claim was taken over records its attempt, and leaves the rest alone.
        this.statements.moveDelivery.run({
          id: c.deliveryId,
          attempt: c.attempt,
          status: next.status,
          next_attempt_at: next.status === 'pending' ? next.nextAttemptAt.getTime() : null,
          delivered_at: next.status === 'delivered' ? finishedMs : null,
          failed_at: next.status === 'failed' ? finishedMs : null,
          failure_reason: next.status === 'failed' ? next.reason : null,
        });
      },
    );
    this.completeTx = (...args) => complete.immediate(...args);
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteWebhookDeliveryStore {
    return new SqliteWebhookDeliveryStore(sqlitePath);
  }

  /** `DATA_DIR/webhooks.sqlite`. */
  static inDataDir(dataDir: string): SqliteWebhookDeliveryStore {
    return new SqliteWebhookDeliveryStore(webhooksDbPath(dataDir));
  }

  async enqueue(d: NewWebhookDelivery): Promise<boolean> {
    const result = this.statements.enqueue.run(
      d.id,
      d.workspaceId,
      d.type,
      d.eventId,
      d.body,
      d.nextAttemptAt.getTime(),
      d.createdAt.getTime(),
    );
    return result.changes === 1;
  }

  async claimDue(options: ClaimOptions): Promise<DeliveryClaim[]> {
    assertClaimOptions(options);
    return this.claimTx(options);
  }

  async complete(
    claim: DeliveryClaim,
    result: AttemptResult,
    next: NextDeliveryState,
  ): Promise<void> {
    this.completeTx(claim, result, next);
  }

  async get(id: string): Promise<WebhookDelivery | null> {
    const row = this.statements.get.get(id) as DeliveryRow | undefined;
    return row ? this.toDelivery(row) : null;
  }

  async list(
    workspaceId: string,
    options: { status?: DeliveryStatus; limit?: number } = {},
  ): Promise<WebhookDelivery[]> {
    const status = options.status ?? null;
    const rows = this.statements.list.all(
      workspaceId,
      status,
      status,
      options.limit ?? 100,
    ) as DeliveryRow[];
    return rows.map((row) => this.toDelivery(row));
  }

  async getCheckpoint(name: string): Promise<string | null> {
    return this.checkpoints.get(name);
  }

  async saveCheckpoint(name: string, position: string): Promise<void> {
    this.checkpoints.advance(name, position);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private toDelivery(row: DeliveryRow): WebhookDelivery {
    const attempts = (this.statements.attempts.all(row.id) as AttemptRow[]).map(
      (a): WebhookAttempt => ({
        attempt: a.attempt,
        at: new Date(a.at),
        status: a.status,
        error: a.error,
        durationMs: a.duration_ms,
        finishedAt: a.finished_at === null ? null : new Date(a.finished_at),
      }),
    );
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      type: row.type as WebhookEventType,
      eventId: row.event_id,
      body: row.body,
      createdAt: new Date(row.created_at),
      status: row.status as DeliveryStatus,
      nextAttemptAt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at),
      deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
      failedAt: row.failed_at === null ? null : new Date(row.failed_at),
      failureReason: row.failure_reason as DeliveryFailureReason | null,
      attempts,
    };
  }
}
