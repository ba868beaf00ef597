import Database from 'better-sqlite3';
import mongoose, { type Connection } from 'mongoose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, SqliteEventStore, type EventToAppend } from '@ledger/event-store';
import { FEED_CHECKPOINTS_COLLECTION } from '@ledger/event-store/feed';
import { rechainStream } from '@ledger/testing/audit-tamper';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { ChainCheckpoints } from './chain-checkpoints';
import {
  type CheckpointStore,
  MongoCheckpointStore,
  SqliteCheckpointStore,
} from './checkpoint-store';
import { CheckpointSigner, checkpointHash } from './signing-key';
import { AuditVerifier } from './verify-workspace';

type RowsWhere = { sequence: number[] } | { revision: number[] };

/** The checkpoint store under test, and direct access to its rows, as an attacker has. */
interface CheckpointBackend {
  store: CheckpointStore;
  /** Deletes the stream's checkpoints with these sequence numbers or revisions (absent: all). */
  deleteRows(streamId: string, where?: RowsWhere): Promise<void>;
  /** Overwrites the hash a checkpoint signs, leaving its signature as it was. */
  setHash(streamId: string, revision: number, hash: string): Promise<void>;
  /** Loses the signer's feed position, as a crash between the checkpoints and it would. */
  forgetCursor(): Promise<void>;
  close(): Promise<void>;
}

async function sqliteBackend(dir: string): Promise<CheckpointBackend> {
  const file = join(dir, 'audit-checkpoints.sqlite');
  const store = SqliteCheckpointStore.open({ sqlitePath: file });
  const onFile = (change: (db: Database.Database) => void) => {
    const db = new Database(file);
    try {
      change(db);
    } finally {
      db.close();
    }
  };
  return {
    store,
    deleteRows: async (streamId, where) =>
      onFile((db) => {
        if (!where) return db.prepare('DELETE FROM checkpoints WHERE stream_id = ?').run(streamId);
        const [column, values] =
          'sequence' in where ? ['sequence', where.sequence] : ['revision', where.revision];
        return db
          .prepare(
            `DELETE FROM checkpoints WHERE stream_id = ? AND ${column} IN (SELECT value FROM json_each(?))`,
          )
          .run(streamId, JSON.stringify(values));
      }),
    setHash: async (streamId, revision, hash) =>
      onFile((db) =>
        db
          .prepare('UPDATE checkpoints SET hash = ? WHERE stream_id = ? AND revision = ?')
          .run(hash, streamId, revision),
      ),
    forgetCursor: async () => onFile((db) => db.prepare('DELETE FROM signer_cursor').run()),
    close: () => store.close(),
  };
}

async function mongoBackend(): Promise<CheckpointBackend> {
  const connection: Connection = await mongoose
    .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('tamper') })
    .asPromise();
  const store = await MongoCheckpointStore.open({ mongo: connection });
  const rows = connection.collection('audit_checkpoints');
  return {
    store,
    deleteRows: async (streamId, where) => {
      const [field, values] = !where
        ? [null, []]
        : 'sequence' in where
          ? ['sequence', where.sequence]
          : ['revision', where.revision];
      await rows.deleteMany(field ? { streamId, [field]: { $in: values } } : { streamId });
    },
    setHash: async (streamId, revision, hash) => {
      await rows.updateOne({ streamId, revision }, { $set: { hash } });
    },
    forgetCursor: async () => {
      await connection.collection(FEED_CHECKPOINTS_COLLECTION).deleteMany({});
    },
    close: async () => {
      await connection.dropDatabase();
      await connection.close();
    },
  };
}

/**
 * The tamper tests: a workspace's history is written through the real SQLite event store,
 * its chain heads are signed into the checkpoint store (a SQLite file, or FerretDB over the
 * wire), then rows are changed directly, as someone with access to the files would.
 */
describe.each([
  ['a SQLite file', sqliteBackend],
  ['FerretDB', () => mongoBackend()],
] as const)('tamper evidence on the SQLite events file, checkpoints in %s', (_label, backendIn) => {
  const WS = 'ws-tamper';
  const STREAM = `workspace-${WS}`;
  /** Verification runs an hour after the writes: every event is due for a checkpoint. */
  const LATER = 3_600_000;
  let dir: string;
  let eventsFile: string;
  let store: SqliteEventStore;
  let backend: CheckpointBackend;
  let checkpointStore: CheckpointStore;
  let signer: CheckpointSigner;
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
    backend = await backendIn(dir);
    checkpointStore = backend.store;
    signer = CheckpointSigner.generate();
    checkpoints = new ChainCheckpoints(store, checkpointStore, signer);
    verifier = new AuditVerifier(store, checkpoints, {
      clock: { now: () => new Date(Date.now() + LATER) },
      checkpointDueWithinMs: 360_000,
    });
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
    await backend.close();
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

  const rechain = (db: Database.Database) => rechainStream(db, STREAM);

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
      failures: [],
      checkedEvents: 5,
      firstBadEvent: null,
      missingCheckpoint: null,
      badCheckpoint: null,
      checkpoints: { checked: 5, legacy: 0, latestSignedAt: expect.any(String) },
    });
  });

  it("signs each stream's checkpoints as a chain, and never signs a head twice", async () => {
    const signed = await checkpoints.forStream(STREAM);
    expect(signed.map((c) => [c.sequence, c.revision])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
    ]);
    expect(signed[0].prevCheckpointHash).toBe(GENESIS_HASH);
    for (let i = 1; i < signed.length; i += 1) {
      expect(signed[i].prevCheckpointHash).toBe(checkpointHash(signed[i - 1]));
    }
    // A run redone from an older feed position (a crash between saving checkpoints and the
    // position) finds every head signed already.
    await backend.forgetCursor();
    expect(await checkpointStore.cursor()).toBeNull();
    expect(await checkpoints.signHeads()).toEqual([]);
    expect(await checkpoints.forStream(STREAM)).toHaveLength(5);
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
    for (const { revision, hash } of hashes) await backend.setHash(STREAM, revision, hash);

    const result = await verifier.verifyWorkspace(WS);
    expect(result.ok).toBe(false);
    // Edited checkpoints are not believed: none covers the events, and the first one is named.
    expect(result.badCheckpoint).toEqual({
      streamId: STREAM,
      sequence: 3,
      revision: 2,
      problem: 'signature-invalid',
    });
    expect(result.failures).toEqual(['missing-checkpoint', 'broken-checkpoint-chain']);
  });

  describe('the fifth kind: checkpoints deleted to hide a rewrite', () => {
    const rewrite = () =>
      tamper((db) => {
        edit(db);
        rechain(db);
      });

    it('detects a rewritten, rechained history whose checkpoints were all deleted', async () => {
      rewrite();
      await backend.deleteRows(STREAM);
      const result = await verifier.verifyWorkspace(WS);
      expect(result).toMatchObject({
        ok: false,
        failures: ['missing-checkpoint'],
        firstBadEvent: null,
        badCheckpoint: null,
        missingCheckpoint: {
          streamId: STREAM,
          revision: 0,
          eventId: ids[0],
          recordedAt: expect.any(String),
          dueBy: expect.any(String),
        },
        checkpoints: { checked: 0 },
      });
    });

    it('detects the newest checkpoint deleted, by the events it covered', async () => {
      tamper((db) => {
        db.prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = 4').run(
          JSON.stringify({ connectionId: 'c-4', platform: 'x', accountName: 'Forged' }),
          STREAM,
        );
        rechain(db);
      });
      await backend.deleteRows(STREAM, { sequence: [5] });
      const result = await verifier.verifyWorkspace(WS);
      expect(result.ok).toBe(false);
      expect(result.failures).toEqual(['missing-checkpoint']);
      expect(result.missingCheckpoint).toMatchObject({ revision: 4, eventId: ids[4] });
    });

    it('detects a middle checkpoint deleted, by the gap in the checkpoint chain', async () => {
      await backend.deleteRows(STREAM, { sequence: [3] });
      const result = await verifier.verifyWorkspace(WS);
      expect(result.ok).toBe(false);
      expect(result.failures).toEqual(['broken-checkpoint-chain']);
      expect(result.badCheckpoint).toEqual({
        streamId: STREAM,
        sequence: 4,
        revision: 3,
        problem: 'sequence-gap',
      });
    });

    it('detects the first checkpoint deleted', async () => {
      await backend.deleteRows(STREAM, { sequence: [1] });
      const result = await verifier.verifyWorkspace(WS);
      expect(result.badCheckpoint).toMatchObject({ sequence: 2, problem: 'sequence-gap' });
    });

    it('gives a young stream time: events newer than the allowance need no checkpoint', async () => {
      await backend.deleteRows(STREAM, { sequence: [5] });
      const now = new AuditVerifier(store, checkpoints, { checkpointDueWithinMs: 360_000 });
      expect(await now.verifyWorkspace(WS)).toMatchObject({ ok: true, failures: [] });
    });
  });

  describe('legacy checkpoints (signed before checkpoints were chained)', () => {
    const LEGACY = 'workspace-ws-legacy';

    /** Three events with legacy checkpoints, then two signed by the chaining signer. */
    beforeEach(async () => {
      await store.append(LEGACY, [anEvent(0), anEvent(1), anEvent(2)], 'no_stream');
      const signedAt = new Date().toISOString();
      const legacy = [];
      for await (const event of store.readStream(LEGACY)) {
        const { revision } = event;
        const hash = event.chain?.hash as string;
        const unchained = { sequence: null, prevCheckpointHash: null };
        legacy.push(signer.sign({ streamId: LEGACY, revision, hash, signedAt, ...unchained }));
      }
      await checkpointStore.add(legacy, await checkpointStore.cursor());
      await checkpoints.signHeads(); // the legacy head is signed already: nothing new
      await store.append(LEGACY, [anEvent(3)], 2);
      await checkpoints.signHeads();
      await store.append(LEGACY, [anEvent(4)], 3);
      await checkpoints.signHeads();
    });

    it('verifies legacy rows by their own signature and chains on from the newest', async () => {
      const signed = await checkpoints.forStream(LEGACY);
      expect(signed.map((c) => c.sequence)).toEqual([null, null, null, 1, 2]);
      expect(signed[3].prevCheckpointHash).toBe(checkpointHash(signed[2]));
      const result = await verifier.verifyStreams([LEGACY]);
      expect(result).toMatchObject({
        ok: true,
        checkedEvents: 5,
        checkpoints: { checked: 5, legacy: 3 },
      });
    });

    it('detects the newest legacy checkpoint deleted: the first chained one no longer links', async () => {
      const legacyHead = (await checkpoints.forStream(LEGACY))[2];
      await backend.deleteRows(LEGACY, { revision: [legacyHead.revision] });
      const result = await verifier.verifyStreams([LEGACY]);
      expect(result.badCheckpoint).toEqual({
        streamId: LEGACY,
        sequence: 1,
        revision: 3,
        problem: 'link-broken',
      });
    });
  });

  function eventIdOf(which: number | 'forged' | null): string | null {
    if (which === null) return null;
    return which === 'forged' ? forgedId : ids[which];
  }
});
