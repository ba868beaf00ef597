import type Database from 'better-sqlite3';
import { Schema, type Connection, type Model } from 'mongoose';
import type { SignedCheckpoint } from './signing-key';
import { openDurableSqlite } from '@ledger/stores';
import { MongoCheckpoints, SqliteCheckpoints } from '@ledger/event-store/feed';

/**
 * Where signed checkpoints are kept, with the feed position the signer has covered. Adding a
 * checkpoint that already exists (same stream and revision) keeps the first one.
 */
export interface CheckpointStore {
  /** Saves the checkpoints and, with them, the feed position they cover (never backwards). */
  add(checkpoints: SignedCheckpoint[], cursor: string | null): Promise<void>;
  cursor(): Promise<string | null>;
  /** One stream's checkpoints, by revision. */
  forStream(streamId: string): Promise<SignedCheckpoint[]>;
  /**
   * What the stream's next checkpoint links to: its chained checkpoint with the highest
   * sequence, else its legacy checkpoint with the highest revision, else null.
   */
  latest(streamId: string): Promise<SignedCheckpoint | null>;
  /** Checkpoints of these streams (all when absent), in the order they were signed. */
  list(streamIds?: string[]): AsyncIterable<SignedCheckpoint>;
  close(): Promise<void>;
}

interface CheckpointRow {
  seq: number;
  stream_id: string;
  revision: number;
  hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
  sequence: number | null;
  prev_checkpoint_hash: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  hash      TEXT    NOT NULL,
  signed_at TEXT    NOT NULL,
  key_id    TEXT    NOT NULL,
  signature TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS signer_cursor (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT
);
`;

/**
 * Chained checkpoints (sequence, previous checkpoint's hash) came after the table: files made
 * before keep their rows as legacy ones (both columns NULL), see docs/decisions/0011.
 * NULL sequences are distinct in a SQLite unique index, so legacy rows do not collide.
 */
function addChainColumns(db: Database.Database): void {
  const columns = new Set(
    (db.prepare('PRAGMA table_info(checkpoints)').all() as { name: string }[]).map((c) => c.name),
  );
  db.transaction(() => {
    if (!columns.has('sequence')) db.exec('ALTER TABLE checkpoints ADD COLUMN sequence INTEGER');
    if (!columns.has('prev_checkpoint_hash')) {
      db.exec('ALTER TABLE checkpoints ADD COLUMN prev_checkpoint_hash TEXT');
    }
    db.exec(
      'CREATE UNIQUE INDEX IF NOT EXISTS checkpoints_stream_sequence ON checkpoints (stream_id, sequence)',
    );
  }).immediate();
}

const fromRow = (row: CheckpointRow): SignedCheckpoint => ({
  streamId: row.stream_id,
  revision: row.revision,
  hash: row.hash,
  signedAt: row.signed_at,
  keyId: row.key_id,
  sequence: row.sequence ?? null,
  prevCheckpointHash: row.prev_checkpoint_hash ?? null,
  signature: row.signature,
});

/** signer_cursor's one row: its key is the integer 1 (SQLite compares '1' as 1 there). */
const SQLITE_SIGNER = '1';

/** Checkpoints in a SQLite file (DATA_DIR/audit-checkpoints.sqlite by default). */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  /** The signer's feed position: the one row of signer_cursor (id 1). */
  private readonly cursors: SqliteCheckpoints;

  private constructor(path: string) {
    this.db = openDurableSqlite(path);
    this.db.exec(SCHEMA);
    addChainColumns(this.db);
    this.cursors = new SqliteCheckpoints(this.db, 'signer_cursor', 'id');
  }

  /** Opens (creating, mode 0600) the store's SQLite file (docs/decisions/0016). */
  static open({ sqlitePath }: { sqlitePath: string }): SqliteCheckpointStore {
    return new SqliteCheckpointStore(sqlitePath);
  }

  async add(checkpoints: SignedCheckpoint[], cursor: string | null): Promise<void> {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO checkpoints
         (stream_id, revision, hash, signed_at, key_id, signature, sequence, prev_checkpoint_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db
      .transaction(() => {
        for (const c of checkpoints) {
          insert.run(
            c.streamId,
            c.revision,
            c.hash,
            c.signedAt,
            c.keyId,
            c.signature,
            c.sequence,
            c.prevCheckpointHash,
          );
        }
        if (cursor !== null) this.cursors.advance(SQLITE_SIGNER, cursor);
      })
      .immediate();
  }

  async cursor(): Promise<string | null> {
    return this.cursors.get(SQLITE_SIGNER);
  }

  async forStream(streamId: string): Promise<SignedCheckpoint[]> {
    return (
      this.db
        .prepare('SELECT * FROM checkpoints WHERE stream_id = ? ORDER BY revision')
        .all(streamId) as CheckpointRow[]
    ).map(fromRow);
  }

  async latest(streamId: string): Promise<SignedCheckpoint | null> {
    const row = (this.db
      .prepare(
        `SELECT * FROM checkpoints WHERE stream_id = ? AND sequence IS NOT NULL
         ORDER BY sequence DESC LIMIT 1`,
      )
      .get(streamId) ??
      this.db
        .prepare(
          `SELECT * FROM checkpoints WHERE stream_id = ? AND sequence IS NULL
           ORDER BY revision DESC LIMIT 1`,
        )
        .get(streamId)) as CheckpointRow | undefined;
    return row ? fromRow(row) : null;
  }

  async *list(streamIds?: string[]): AsyncIterable<SignedCheckpoint> {
    const page = 500;
    let after = 0;
    const filter = streamIds
      ? `AND stream_id IN (SELECT value FROM json_each(?))`
      : `AND ? IS NULL`;
    const statement = this.db.prepare(
      `SELECT * FROM checkpoints WHERE seq > ? ${filter} ORDER BY seq LIMIT ${page}`,
    );
    for (;;) {
      const rows = statement.all(
        after,
        streamIds ? JSON.stringify(streamIds) : null,
      ) as CheckpointRow[];
      for (const row of rows) yield fromRow(row);
      if (rows.length < page) return;
      after = rows[rows.length - 1].seq;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

interface CheckpointDoc {
  streamId: string;
  revision: number;
  hash: string;
  signedAt: string;
  keyId: string;
  signature: string;
  /** Absent on legacy documents (signed before checkpoints were chained). */
  sequence?: number | null;
  prevCheckpointHash?: string | null;
  seq: Date;
}

const CHECKPOINT_MODEL = 'AuditCheckpoint';
/** Where the signer's position was kept, one document `signer` (now read as a floor). */
const CURSOR_COLLECTION = 'audit_checkpoint_cursor';
const MONGO_SIGNER = 'signer';

const checkpointSchema = new Schema<CheckpointDoc>(
  {
    streamId: { type: String, required: true },
    revision: { type: Number, required: true },
    hash: { type: String, required: true },
    signedAt: { type: String, required: true },
    keyId: { type: String, required: true },
    signature: { type: String, required: true },
    sequence: { type: Number },
    prevCheckpointHash: { type: String },
    seq: { type: Date, required: true },
  },
  { collection: 'audit_checkpoints', versionKey: false, autoIndex: false },
);
checkpointSchema.index({ streamId: 1, revision: 1 }, { unique: true });
// Not unique: legacy documents have no sequence. One signer at a time (the job's lease); two
// checkpoints with one sequence would show as a broken checkpoint chain.
checkpointSchema.index({ streamId: 1, sequence: 1 });

/** Checkpoints in MongoDB, when MONGODB_URI is set. */
export class MongoCheckpointStore implements CheckpointStore {
  private readonly checkpoints: Model<CheckpointDoc>;

  private constructor(
    connection: Connection,
    private readonly cursors: MongoCheckpoints,
  ) {
    this.checkpoints =
      (connection.models[CHECKPOINT_MODEL] as Model<CheckpointDoc> | undefined) ??
      connection.model<CheckpointDoc>(CHECKPOINT_MODEL, checkpointSchema);
  }

  static async open({ mongo: connection }: { mongo: Connection }): Promise<MongoCheckpointStore> {
    const cursors = await MongoCheckpoints.open(connection, CURSOR_COLLECTION);
    const store = new MongoCheckpointStore(connection, cursors);
    await store.checkpoints.createIndexes();
    return store;
  }

  async add(checkpoints: SignedCheckpoint[], cursor: string | null): Promise<void> {
    const seq = new Date();
    if (checkpoints.length > 0) {
      await this.checkpoints.bulkWrite(
        checkpoints.map((c) => ({
          updateOne: {
            filter: { streamId: c.streamId, revision: c.revision },
            update: { $setOnInsert: { ...c, seq } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    // After the checkpoints: a crash between the two redoes the run, which signs nothing twice.
    if (cursor !== null) await this.cursors.advance(MONGO_SIGNER, cursor);
  }

  async cursor(): Promise<string | null> {
    return this.cursors.get(MONGO_SIGNER);
  }

  async forStream(streamId: string): Promise<SignedCheckpoint[]> {
    const docs = await this.checkpoints.find({ streamId }).sort({ revision: 1 }).lean();
    return docs.map(toCheckpoint);
  }

  async latest(streamId: string): Promise<SignedCheckpoint | null> {
    const chained = await this.checkpoints
      .findOne({ streamId, sequence: { $type: 'number' } })
      .sort({ sequence: -1 })
      .lean();
    const doc =
      chained ??
      (await this.checkpoints.findOne({ streamId, sequence: null }).sort({ revision: -1 }).lean());
    return doc ? toCheckpoint(doc as CheckpointDoc) : null;
  }

  async *list(streamIds?: string[]): AsyncIterable<SignedCheckpoint> {
    // The audit read model keeps its feed position in this collection too: only documents
    // with a stream are checkpoints.
    const cursor = this.checkpoints
      .find({ streamId: streamIds ? { $in: streamIds } : { $type: 'string' } })
      .sort({ seq: 1, streamId: 1, revision: 1 })
      .lean()
      .cursor();
    for await (const doc of cursor) yield toCheckpoint(doc as CheckpointDoc);
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }
}

function toCheckpoint(doc: CheckpointDoc): SignedCheckpoint {
  const { streamId, revision, hash, signedAt, keyId, signature } = doc;
  return {
    streamId,
    revision,
    hash,
    signedAt,
    keyId,
    sequence: doc.sequence ?? null,
    prevCheckpointHash: doc.prevCheckpointHash ?? null,
    signature,
  };
}
