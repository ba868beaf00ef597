import type Database from 'better-sqlite3';
import { comparePositions } from './positions';

/** SQL cannot order "commit/prepare" positions (nor decimals as text): it asks comparePositions. */
const IS_AFTER = 'ledger_position_is_after';

/**
 * The named feed checkpoints a SQLite store keeps in a table of its file (`key` primary key,
 * `position`; made if missing), moved only forwards: one upsert statement compares and
 * writes, so a slower follower or an old process, in this process or another, can never move
 * one back.
 */
export class SqliteCheckpoints {
  private readonly read: Database.Statement<[string], string | null>;
  private readonly write: Database.Statement<[string, string]>;
  private readonly remove: Database.Statement<[string]>;

  constructor(db: Database.Database, table: string, key = 'projection') {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (${key} TEXT PRIMARY KEY, position TEXT NOT NULL)`,
    );
    db.function(IS_AFTER, { deterministic: true }, (a, b) =>
      comparePositions(String(a), String(b)) > 0 ? 1 : 0,
    );
    this.read = db.prepare<[string], string | null>(
      `SELECT position FROM ${table} WHERE ${key} = ?`,
    );
    this.read.pluck();
    this.write = db.prepare(
      `INSERT INTO ${table} (${key}, position) VALUES (?, ?)
       ON CONFLICT (${key}) DO UPDATE SET position = excluded.position
       WHERE position IS NULL OR ${IS_AFTER}(excluded.position, position)`,
    );
    this.remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
  }

  get(name: string): string | null {
    return this.read.get(name) ?? null;
  }

  /** Moves `name` to `position` unless it is there or further already. */
  advance(name: string, position: string): void {
    this.write.run(name, position);
  }

  /** Forgets `name`, for a rebuild from the start of the feed. */
  drop(name: string): void {
    this.remove.run(name);
  }
}
