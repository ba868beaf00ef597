import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

interface Listed {
  eventId?: string;
  id?: string;
  actor?: { ip: string | null; userAgent: string | null };
}

describe('history and posts: cursor pages, and what editors see of actors', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-pages';
  const api = () => request(ledger.server);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  let owner: string;
  let a: string;
  let b: string;

  beforeAll(async () => {
    ledger = await startLedgerApp();
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    await api()
      .put(`/v1/workspaces/${WS}/plan`)
      .set(as(owner))
      .send({ plan: 'starter' })
      .expect(200);
    a = (await ledger.connectX(WS, owner, { id: '9001', name: 'A', username: 'a' })).body
      .connections[0].id;
    b = (await ledger.connectX(WS, owner, { id: '9002', name: 'B', username: 'b' })).body
      .connections[0].id;
    // Each change of main account touches both connections: a long history for `a`.
    for (let round = 0; round < 55; round += 1) {
      for (const id of [b, a]) {
        await api()
          .post(`/v1/workspaces/${WS}/connections/${id}/main`)
          .set(as(owner))
          .set('User-Agent', 'pages-e2e/1.0')
          .expect(200);
      }
    }
  });
  afterAll(() => ledger.close());

  /** Follows `Link: <...>; rel="next"` from `first` to the last page. */
  async function allPages(first: string, token: string) {
    const pages: Listed[][] = [];
    let next: string | undefined = first;
    while (next) {
      const page = await api().get(next).set(as(token)).expect(200);
      pages.push(page.body);
      const link = page.headers.link as string | undefined;
      if (link) {
        expect(link).toMatch(/^<[^>]+>; rel="next"$/);
        expect(link).toContain(`cursor=${page.headers['next-cursor']}`);
      } else {
        expect(page.headers['next-cursor']).toBeUndefined();
      }
      next = link?.slice(1, link.indexOf('>'));
    }
    return pages;
  }

  it('pages a connection’s history in revision order, 100 by default, none skipped or repeated', async () => {
    const path = `/v1/workspaces/${WS}/connections/${a}/history`;
    const everything = (await api().get(`${path}?limit=1000`).set(as(owner)).expect(200)).body;
    expect(everything.length).toBeGreaterThan(110);
    const first = await api().get(path).set(as(owner)).expect(200);
    expect(first.body).toHaveLength(100);
    expect(first.headers['next-cursor']).toEqual(expect.any(String));

    const pages = await allPages(`${path}?limit=7`, owner);
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    const ids = pages.flat().map((entry) => entry.eventId);
    expect(ids).toEqual(everything.map((entry: Listed) => entry.eventId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a forged cursor and a page over the maximum with 400, and still 404s an unknown connection', async () => {
    const path = `/v1/workspaces/${WS}/connections/${a}/history`;
    for (const query of ['cursor=bm90LWEtY3Vyc29y', 'cursor=%5B%5D', 'limit=1001', 'limit=0']) {
      const refused = await api().get(`${path}?${query}`).set(as(owner));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    const unknown = await api()
      .get(`/v1/workspaces/${WS}/connections/never-was/history?limit=5`)
      .set(as(owner));
    expect(unknown.status).toBe(404);
  });

  it('shows editors who did what but not their IP or user agent; auditors and admins see both', async () => {
    const path = `/v1/workspaces/${WS}/connections/${a}/history?limit=1000`;
    const editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    const seenByEditor = (await api().get(path).set(as(editor)).expect(200)).body as Listed[];
    expect(seenByEditor.length).toBeGreaterThan(0);
    for (const entry of seenByEditor) {
      expect(entry.actor).toMatchObject({ userId: expect.any(String), ip: null, userAgent: null });
    }
    for (const role of ['auditor', 'admin'] as const) {
      const reader = ledger.token({ [WS]: role }, `${role}-1`);
      const seen = (await api().get(path).set(as(reader)).expect(200)).body as Listed[];
      expect(seen.map((entry) => entry.actor?.userAgent)).toContain('pages-e2e/1.0');
      expect(seen.every((entry) => typeof entry.actor?.ip === 'string')).toBe(true);
    }
  });

  it('pages posts by publishAt then id, keeping the status filter in the next link', async () => {
    const times = ['2027-03-01T09:00:00Z', '2027-01-01T09:00:00Z', '2027-02-01T09:00:00Z'];
    for (const [index, publishAt] of [...times, ...times].entries()) {
      await api()
        .post(`/v1/workspaces/${WS}/posts`)
        .set(as(owner))
        .send({ platform: 'x', content: `Post ${index}`, publishAt })
        .expect(201);
    }
    const path = `/v1/workspaces/${WS}/posts`;
    const everything = (await api().get(path).set(as(owner)).expect(200)).body as Listed[];
    expect(everything).toHaveLength(6);
    const pages = await allPages(`${path}?status=scheduled&limit=4`, owner);
    expect(pages.map((page) => page.length)).toEqual([4, 2]);
    expect(pages.flat().map((post) => post.id)).toEqual(everything.map((post) => post.id));
    const refused = await api().get(`${path}?cursor=WzEsMl0`).set(as(owner));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    // A cursor's place is an instant and an id: no other text passes for an instant.
    const notAnInstant = Buffer.from(JSON.stringify(['soon', 'x'])).toString('base64url');
    const forged = await api().get(`${path}?cursor=${notAnInstant}`).set(as(owner));
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('VALIDATION_FAILED');
  });
});
