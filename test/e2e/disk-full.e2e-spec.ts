import Database from 'better-sqlite3';
import request from 'supertest';
import type { EventStore } from '@ledger/event-store';
import { WORKSPACE_READ_MODEL, EVENT_STORE } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

/**
 * Caps a store's real on-disk SQLite file at the pages it has now (PRAGMA max_page_count on
 * the store's own connection, the only one the pragma applies to), so its next write that
 * needs a page fails with a real SQLITE_FULL. Returns the function that lifts the cap.
 */
function capAtCurrentSize(store: unknown): () => void {
  const { db } = store as { db: unknown };
  if (!(db instanceof Database)) throw new Error('not a SQLite store');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return () => void db.pragma('max_page_count = 1073741823');
}

describe('a full disk: commands answer 503 and change nothing, /health says not ready', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-full';
  const api = () => request(ledger.server);
  let owner: string;

  beforeAll(async () => {
    ledger = await startLedgerApp({ env: { CONNECTION_ATTEMPTS_PER_HOUR: '1000' } });
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    await ledger.connectX(WS, owner, { id: '6001', name: 'Full', username: 'full' });
  });
  afterAll(() => ledger.close());

  const schedule = (content: string, key: string) =>
    api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set('Authorization', `Bearer ${owner}`)
      .set('Idempotency-Key', key)
      .send({ platform: 'x', content, publishAt: '2027-01-01T09:00:00Z' });

  const health = async () => (await api().get('/health')).status;

  it('answers 503 STORAGE_UNAVAILABLE with Retry-After when the event store is full, until space is back', async () => {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const eventsBefore = (await store.readAll({ maxCount: 1000 })).length;
    expect(await health()).toBe(200);
    const lift = capAtCurrentSize(store);
    // Posts are up to 280 characters on X: a few hundred bytes each, so several fill a page.
    const answers = [];
    for (let i = 0; i < 30; i += 1) {
      answers.push(await schedule(`Post ${i} `.padEnd(280, '.'), `full-${i}`));
      if (answers.at(-1)!.status !== 201) break;
    }
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body.code).toBe('STORAGE_UNAVAILABLE');
    const accepted = answers.length - 1;

    // Nothing of the refused command was stored, and the service says it is not ready.
    expect((await store.readAll({ maxCount: 1000 })).length).toBe(eventsBefore + accepted);
    const notReady = await api().get('/health');
    expect(notReady.status).toBe(503);
    expect(notReady.body.failing).toEqual(['storage']);
    lift();
    expect(await health()).toBe(503); // no write has succeeded yet

    // The same request again (same Idempotency-Key) now succeeds, and the service is ready.
    const retried = await schedule(`Post ${accepted} `.padEnd(280, '.'), `full-${accepted}`);
    expect(retried.status).toBe(201);
    expect(await health()).toBe(200);
    const posts = await api()
      .get(`/v1/workspaces/${WS}/posts`)
      .set('Authorization', `Bearer ${owner}`);
    expect(posts.body).toHaveLength(accepted + 1);
  });

  it('says not ready while the read model cannot be written for lack of space, and ready once it can', async () => {
    await api()
      .put(`/v1/workspaces/${WS}/plan`)
      .set('Authorization', `Bearer ${owner}`)
      .send({ plan: 'enterprise' })
      .expect(200);
    const lift = capAtCurrentSize(ledger.app.get(WORKSPACE_READ_MODEL));
    // Each append succeeds (and is durable); the projection then fails on the full read model.
    for (let i = 0; i < 40 && (await health()) === 200; i += 1) {
      const connected = await ledger.connectX(WS, owner, {
        id: `61${String(i).padStart(2, '0')}`,
        name: `Account ${i}`.padEnd(200, '.'),
        username: `account${i}`,
      });
      expect(connected.status).toBe(200);
    }
    const notReady = await api().get('/health');
    expect(notReady.status).toBe(503);
    expect(notReady.body.failing).toEqual(['storage']);
    lift();
    // The projection retries on its own (with backoff); readiness follows its next apply.
    const deadline = Date.now() + 20_000;
    while ((await health()) !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await health()).toBe(200);
  });
});
