import Database from 'better-sqlite3';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { anEvent } from '../contract/contract-helpers';
import { EventStoreUnavailableError } from '../event-store.port';
import { isStorageFull } from '../storage-full';
import { SqliteEventStore } from './sqlite-event-store';

describe('SqliteEventStore on a full file (a real SQLITE_FULL, from PRAGMA max_page_count)', () => {
  const dir = makeTempDir('ledger-full-');
  const store = new SqliteEventStore({ path: join(dir.path, 'events.db') });
  const db = (store as unknown as { db: Database.Database }).db;
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('commits none of a batch in which one append does not fit, and says the storage is full', async () => {
    await store.append('s-1', [anEvent()], 'no_stream');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    // One event-loop turn: one batch, one transaction. The middle append needs new pages.
    const outcomes = await Promise.allSettled([
      store.append('s-1', [anEvent('Small')], 0),
      store.append('s-2', [anEvent('Large', { text: 'x'.repeat(200_000) })], 'no_stream'),
      store.append('s-3', [anEvent('Small')], 'no_stream'),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const [first] = outcomes as PromiseRejectedResult[];
    expect(first!.reason).toBeInstanceOf(EventStoreUnavailableError);
    expect(isStorageFull(first!.reason)).toBe(true);
    expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['TestHappened']);

    db.pragma('max_page_count = 1073741823');
    await store.append('s-3', [anEvent('Small')], 'no_stream');
    expect(await store.readAll({ maxCount: 10 })).toHaveLength(2);
  });
});
