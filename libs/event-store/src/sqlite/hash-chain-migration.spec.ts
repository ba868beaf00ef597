import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { chainHash, GENESIS_HASH } from '../chain';
import { collect, metadata } from '../contract/contract-helpers';
import { SqliteEventStore } from './sqlite-event-store';

describe('SqliteEventStore: a file written before the hash chain', () => {
  it('gets the chain columns and its events linked when opened, and appends continue it', async () => {
    const dir = makeTempDir('event-store-migration-');
    const path = join(dir.path, 'events.db');
    const legacy = new Database(path);
    legacy.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
      data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL,
      UNIQUE (stream_id, revision))`);
    const insert = legacy.prepare(
      `INSERT INTO events (stream_id, revision, id, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [stream, revision] of [
      ['s-a', 0],
      ['s-b', 0],
      ['s-a', 1],
    ] as const) {
      insert.run(
        stream,
        revision,
        `${stream}-${revision}`,
        'Old',
        JSON.stringify({ revision }),
        JSON.stringify(metadata()),
        Date.now(),
      );
    }
    legacy.close();

    const store = new SqliteEventStore({ path });
    try {
      const added = randomUUID();
      await store.append('s-a', [{ id: added, type: 'New', data: {}, metadata: metadata() }], 1);
      const read = await collect(store.readStream('s-a'));
      let prevHash = GENESIS_HASH;
      for (const event of read) {
        const { streamId, revision, id, type, data, metadata: meta } = event;
        expect(event.chain).toEqual({
          prevHash,
          hash: chainHash({ streamId, revision, id, type, data, metadata: meta, prevHash }),
        });
        prevHash = event.chain?.hash as string;
      }
      expect(read.map((e) => e.id)).toEqual(['s-a-0', 's-a-1', added]);
      expect((await collect(store.readStream('s-b')))[0].chain?.prevHash).toBe(GENESIS_HASH);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
