import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { join } from 'node:path';
import { chainHash, GENESIS_HASH } from '@ledger/event-store';
import { type AppConfig, mongoDbName } from '@ledger/runtime';

/**
 * What an attacker who knows the algorithm does after editing rows of the events file:
 * recompute the stream's hash chain, which is unkeyed, so it verifies again on its own.
 */
export function rechainStream(db: Database.Database, streamId: string): void {
  const rows = db
    .prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision')
    .all(streamId) as {
    position: number;
    revision: number;
    id: string;
    type: string;
    data: string;
    metadata: string;
  }[];
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const hash = chainHash({
      streamId,
      revision: row.revision,
      id: row.id,
      type: row.type,
      data: JSON.parse(row.data),
      metadata: JSON.parse(row.metadata),
      prevHash,
    });
    db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?').run(
      prevHash,
      hash,
      row.position,
    );
    prevHash = hash;
  }
}

/** Moves the stream's events back in time (recorded_at is outside the hash, as is the clock). */
export function ageStream(db: Database.Database, streamId: string, byMs: number): void {
  db.prepare('UPDATE events SET recorded_at = recorded_at - ? WHERE stream_id = ?').run(
    byMs,
    streamId,
  );
}

/**
 * Deletes a stream's signed checkpoints where the app keeps them (MongoDB when it has one,
 * else DATA_DIR/audit-checkpoints.sqlite); answers how many went.
 */
export async function deleteCheckpointRows(config: AppConfig, streamId: string): Promise<number> {
  if (!config.mongodbUri) {
    const db = new Database(join(config.dataDir, 'audit-checkpoints.sqlite'));
    try {
      return db.prepare('DELETE FROM checkpoints WHERE stream_id = ?').run(streamId).changes;
    } finally {
      db.close();
    }
  }
  const connection = await mongoose
    .createConnection(config.mongodbUri, { dbName: mongoDbName(config) })
    .asPromise();
  try {
    return (await connection.collection('audit_checkpoints').deleteMany({ streamId })).deletedCount;
  } finally {
    await connection.close();
  }
}
