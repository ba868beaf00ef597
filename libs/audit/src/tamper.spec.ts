import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chainHash, GENESIS_HASH, SqliteEventStore, type EventToAppend } from '@ledger/event-store';
import { ChainCheckpoints } from './chain-checkpoints';
import { SqliteCheckpointStore } from './checkpoint-store';
import { CheckpointSigner } from './signing-key';
import { AuditVerifier } from './verify-workspace';

/**
 * The tamper tests: a workspace's history is written through the real SQLite event store,
 * its chain heads are signed, then rows of the events file are changed directly with
 * better-sqlite3, as someone with access to the file would.
 */
describe('tamper evidence on the SQLite events file', () => {
  const WS = 'ws-tamper';
  const STREAM = `workspace-${WS}`;
  let dir: string;
  let eventsFile: string;
  let store: SqliteEventStore;
  let checkpointStore: SqliteCheckpointStore;
  let checkpoints: ChainCheckpoints;
  let verifier: AuditVerifier;
  let ids: string[];

  const anEvent = (i: number): EventToAppend => ({
    id: randomUUID(),
    type: 'ConnectionConnected',
    data: { connectionId: `c-${i}`, platform: 'x', accountName: `Account ${i}` },
    metadata: {
      actor: { userId: 'u-1', role: 'admin', ip: '203.0.113.7', userAgent: 'test' },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
    eventsFile = join(dir, 'events.db');
    store = new SqliteEventStore({ path: eventsFile });
    checkpointStore = new SqliteCheckpointStore(join(dir, 'audit-checkpoints.sqlite'));
    checkpoints = new ChainCheckpoints(store, checkpointStore, CheckpointSigner.generate());
    verifier = new AuditVerifier(store, checkpoints);
    ids = [];
    // Another stream in the same file, untouched throughout.
    await store.append('workspace-other', [anEvent(99)], 'no_stream');
    for (let i = 0; i < 5; i += 1) {
      const event = anEvent(i);
      ids.push(event.id);
      await store.append(STREAM, [event], i === 0 ? 'no_stream' : i - 1);
      // The signer ticks after every append here, so every revision has a checkpoint.
      await checkpoints.signHeads();
    }
  });

  afterEach(async () => {
    await store.close();
    await checkpointStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Changes the file directly, outside the store. */
  function tamper(change: (db: Database.Database) => void): void {
    const db = new Database(eventsFile);
    try {
      db.transaction(() => change(db))();
    } finally {
      db.close();
    }
  }

  /** What an attacker who knows the algorithm does next: recompute the stream's chain. */
  function rechain(db: Database.Database): void {
    const rows = db
      .prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision')
      .all(STREAM) as {
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
        streamId: STREAM,
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

  const edit = (db: Database.Database) =>
    db
      .prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = 2')
      .run(JSON.stringify({ connectionId: 'c-2', platform: 'x', accountName: 'Forged' }), STREAM);
  const remove = (db: Database.Database) => {
    db.prepare('DELETE FROM events WHERE stream_id = ? AND revision = 2').run(STREAM);
  };
  const removeAndRenumber = (db: Database.Database) => {
    remove(db);
    for (const revision of [3, 4]) {
      db.prepare('UPDATE events SET revision = ? WHERE stream_id = ? AND revision = ?').run(
        revision - 1,
        STREAM,
        revision,
      );
    }
  };
  const swap = (db: Database.Database) => {
    const move = db.prepare('UPDATE events SET revision = ? WHERE stream_id = ? AND revision = ?');
    move.run(-1, STREAM, 2);
    move.run(2, STREAM, 3);
    move.run(3, STREAM, -1);
  };
  const forgedId = randomUUID();
  const insert = (db: Database.Database) => {
    const move = db.prepare('UPDATE events SET revision = ? WHERE stream_id = ? AND revision = ?');
    for (const revision of [4, 3, 2]) move.run(revision + 1, STREAM, revision);
    const forged = anEvent(42);
    db.prepare(
      `INSERT INTO events (stream_id, revision, id, type, data, metadata, recorded_at, prev_hash, hash)
       VALUES (?, 2, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      STREAM,
      forgedId,
      'ConnectionDisconnected',
      JSON.stringify({ connectionId: 'c-0' }),
      JSON.stringify(forged.metadata),
      Date.now(),
      'f'.repeat(64),
      'e'.repeat(64),
    );
  };

  it('verifies an untouched history, against every checkpoint', async () => {
    const result = await verifier.verifyWorkspace(WS);
    expect(result).toEqual({
      ok: true,
      checkedEvents: 5,
      firstBadEvent: null,
      checkpoints: { checked: 5, latestSignedAt: expect.any(String) },
    });
  });

  it('verifies an event whose stored JSON is not in canonical form but says the same', async () => {
    // Rows written before the store kept canonical text: other key order, other spacing.
    tamper((db) => {
      const row = db
        .prepare('SELECT data FROM events WHERE stream_id = ? AND revision = 2')
        .get(STREAM) as { data: string };
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const reordered = Object.fromEntries(Object.entries(data).reverse());
      const text = JSON.stringify(reordered, null, 1);
      expect(text).not.toBe(row.data);
      db.prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = 2').run(
        text,
        STREAM,
      );
    });
    const result = await verifier.verifyWorkspace(WS);
    expect(result).toMatchObject({ ok: true, checkedEvents: 5, firstBadEvent: null });
  });

  it.each([
    ['an edited payload', edit, { revision: 2, eventId: 2, problem: 'hash-mismatch' }],
    ['a deleted event', remove, { revision: 2, eventId: null, problem: 'revision-gap' }],
    [
      'a deleted event, later ones renumbered',
      removeAndRenumber,
      { revision: 2, eventId: 3, problem: 'hash-mismatch' },
    ],
    ['two events swapped', swap, { revision: 2, eventId: 3, problem: 'hash-mismatch' }],
    ['an inserted event', insert, { revision: 2, eventId: 'forged', problem: 'hash-mismatch' }],
  ] as const)('detects %s and names the first bad event', async (_what, change, expected) => {
    tamper(change);
    const result = await verifier.verifyWorkspace(WS);
    expect(result.ok).toBe(false);
    expect(result.firstBadEvent).toEqual({
      streamId: STREAM,
      revision: expected.revision,
      eventId: eventIdOf(expected.eventId),
      problem: expected.problem,
    });
  });

  it.each([
    ['an edited payload', edit, 2],
    ['a deleted event', removeAndRenumber, 3],
    ['two events swapped', swap, 3],
    ['an inserted event', insert, 'forged'],
  ] as const)(
    'detects %s even when the chain was recomputed, by the signed checkpoints',
    async (_what, change, eventAtRevision2) => {
      tamper((db) => {
        change(db);
        rechain(db);
      });
      const result = await verifier.verifyWorkspace(WS);
      expect(result.ok).toBe(false);
      expect(result.firstBadEvent).toEqual({
        streamId: STREAM,
        revision: 2,
        eventId: eventIdOf(eventAtRevision2),
        problem: 'checkpoint-mismatch',
      });
    },
  );

  it('detects deleted events at the end of the stream by the checkpoint beyond it', async () => {
    tamper((db) =>
      db.prepare('DELETE FROM events WHERE stream_id = ? AND revision >= 3').run(STREAM),
    );
    const result = await verifier.verifyWorkspace(WS);
    expect(result.firstBadEvent).toEqual({
      streamId: STREAM,
      revision: 3,
      eventId: null,
      problem: 'checkpoint-missing-event',
    });
  });

  it('detects a checkpoint edited to match a rewritten chain: its signature fails', async () => {
    tamper((db) => {
      edit(db);
      rechain(db);
    });
    // Copy the recomputed hashes into the checkpoints, as the attacker would.
    const events = new Database(eventsFile, { readonly: true });
    const hashes = events
      .prepare('SELECT revision, hash FROM events WHERE stream_id = ?')
      .all(STREAM) as { revision: number; hash: string }[];
    events.close();
    const cps = new Database(join(dir, 'audit-checkpoints.sqlite'));
    for (const { revision, hash } of hashes) {
      cps
        .prepare('UPDATE checkpoints SET hash = ? WHERE stream_id = ? AND revision = ?')
        .run(hash, STREAM, revision);
    }
    cps.close();

    const result = await verifier.verifyWorkspace(WS);
    expect(result.firstBadEvent).toEqual({
      streamId: STREAM,
      revision: 2,
      eventId: ids[2],
      problem: 'checkpoint-signature-invalid',
    });
  });

  function eventIdOf(which: number | 'forged' | null): string | null {
    if (which === null) return null;
    return which === 'forged' ? forgedId : ids[which];
  }
});
