import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { metadataFor, systemContext } from '@ledger/commands';
import type { EventStore, EventToAppend } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp, type ReadModelBackend } from '../support/ledger-app';

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

interface Entry {
  id: string;
  kind: string;
  type: string;
  at: string;
  actor: {
    userId: string;
    role: string;
    ip: string | null;
    userAgent: string | null;
    reason?: string | null;
  };
  correlationId: string | null;
  connectionId: string | null;
  platform: string | null;
}

describe.each(BACKENDS)('the audit trail, read models in %s', (readModels) => {
  let ledger: LedgerTestApp;
  let owner: string;
  let admin: string;
  let editor: string;
  let auditor: string;
  let connectionId: string;
  const WS = 'ws-audit';
  const api = () => request(ledger.server);
  const as = (token: string) => ({
    Authorization: `Bearer ${token}`,
    'User-Agent': 'audit-e2e/1.0',
  });
  const trail = async (query: Record<string, string | number> = {}, token = auditor) =>
    (await api().get(`/v1/workspaces/${WS}/audit`).query(query).set(as(token)).expect(200))
      .body as { items: Entry[]; nextCursor: string | null };

  beforeAll(async () => {
    ledger = await startLedgerApp({ readModels });
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    admin = ledger.token({ [WS]: 'admin' }, 'admin-1');
    editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    auditor = ledger.token({ [WS]: 'auditor' }, 'auditor-1');
    for (const plan of ['starter', 'free']) {
      await api().put(`/v1/workspaces/${WS}/plan`).set(as(owner)).send({ plan }).expect(200);
    }
    const done = await ledger.connectX(WS, admin, { id: '4001', name: 'One', username: 'one' });
    connectionId = done.body.connections[0].id;
  });
  afterAll(() => ledger.close());

  it('lists every event with actor, role, IP, user agent, time, correlation id, connection and platform', async () => {
    const { items } = await trail();
    const event = items.find((e) => e.type === 'ConnectionConnected');
    expect(event).toMatchObject({
      kind: 'event',
      connectionId,
      platform: 'x',
      actor: { userId: 'admin-1', role: 'admin' },
    });
    const plan = items.find((e) => e.type === 'WorkspacePlanChanged');
    expect(plan?.actor).toMatchObject({
      userId: 'owner-1',
      role: 'owner',
      userAgent: 'audit-e2e/1.0',
    });
    expect(event?.actor.ip).toEqual(expect.any(String));
    expect(event?.correlationId).toEqual(expect.any(String));
    expect(Date.parse(event!.at)).not.toBeNaN();
  });

  it('records refused attempts (forbidden) with the actor', async () => {
    // Free plan: one X account. The second attempt is refused (at start or at the callback).
    const second = await ledger.connectX(WS, admin, { id: '4002', name: 'Two', username: 'two' });
    expect(second.status).toBe(402);
    const forbidden = await api()
      .post(`/v1/workspaces/${WS}/connections/oauth/x`)
      .set(as(editor))
      .send({});
    expect(forbidden.status).toBe(403);
    const refused = (await trail({ type: 'FORBIDDEN' })).items;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      kind: 'refused',
      type: 'FORBIDDEN',
      platform: 'x',
      correlationId: forbidden.body.correlationId,
      actor: { userId: 'editor-1', role: 'editor', userAgent: 'audit-e2e/1.0' },
    });
    // The plan limit is refused at the OAuth callback: recorded for the user who started it.
    const limit = (await trail({ type: 'PLAN_LIMIT_REACHED' })).items;
    expect(limit).toEqual([
      expect.objectContaining({
        kind: 'refused',
        actor: expect.objectContaining({ userId: 'admin-1', role: 'admin' }),
      }),
    ]);
    // Never a secret: the trail holds no token, code or client secret.
    const whole = JSON.stringify(await trail({ limit: 1000 }));
    for (const secret of ledger.secrets) expect(whole).not.toContain(secret);
  });

  it('lets owner, admin and auditor read it, not editors; the auditor changes nothing', async () => {
    await trail({}, owner);
    await trail({}, admin);
    const refused = await api().get(`/v1/workspaces/${WS}/audit`).set(as(editor));
    expect(refused.status).toBe(403);
    const writes = [
      api().put(`/v1/workspaces/${WS}/plan`).set(as(auditor)).send({ plan: 'starter' }),
      api().post(`/v1/workspaces/${WS}/connections/oauth/x`).set(as(auditor)).send({}),
      api().post(`/v1/workspaces/${WS}/connections/${connectionId}/main`).set(as(auditor)),
      api().delete(`/v1/workspaces/${WS}/connections/${connectionId}`).set(as(auditor)),
    ];
    for (const write of await Promise.all(writes)) expect(write.status).toBe(403);
    const still = await api().get(`/v1/workspaces/${WS}/connections`).set(as(auditor)).expect(200);
    expect(still.body.map((c: { id: string }) => c.id)).toEqual([connectionId]);
    expect((await trail({ actor: 'auditor-1' })).items.every((e) => e.kind === 'refused')).toBe(
      true,
    );
  });

  it('filters by actor, connection, platform, type and time window', async () => {
    const all = (await trail({ limit: 1000 })).items;
    const byActor = (await trail({ actor: 'editor-1' })).items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actor.userId === 'editor-1')).toBe(true);
    const byConnection = (await trail({ connectionId })).items;
    expect(byConnection.length).toBeGreaterThan(0);
    expect(byConnection.every((e) => e.connectionId === connectionId)).toBe(true);
    expect((await trail({ platform: 'linkedin' })).items).toEqual([]);
    expect((await trail({ type: 'ConnectionConnected' })).items).toHaveLength(1);
    const middle = all[Math.floor(all.length / 2)].at;
    const window = (await trail({ from: middle, limit: 1000 })).items;
    expect(window).toEqual(all.filter((e) => e.at >= middle));
    expect((await trail({ to: middle, limit: 1000 })).items).toEqual(
      all.filter((e) => e.at < middle),
    );
    const bad = await api()
      .get(`/v1/workspaces/${WS}/audit`)
      .query({ from: 'yesterday', cursor: 'nope' })
      .set(as(auditor));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('pages with a cursor through the whole trail, in order, without gaps or repeats', async () => {
    const all = (await trail({ limit: 1000 })).items;
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Entry[]; nextCursor: string | null } = await trail({
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const bad = await api()
      .get(`/v1/workspaces/${WS}/audit`)
      .query({ cursor: 'x' })
      .set(as(auditor));
    expect(bad.status).toBe(400);
  });

  it('exports the same entries as CSV and as JSON Lines', async () => {
    const all = (await trail({ limit: 1000 })).items;
    const csv = await api()
      .get(`/v1/workspaces/${WS}/audit`)
      .set(as(auditor))
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe(
      'at,kind,type,actorUserId,actorRole,actorIp,actorUserAgent,actorReason,correlationId,connectionId,platform,id,details',
    );
    expect(lines).toHaveLength(all.length + 1);
    expect(lines[1].startsWith(`${all[0].at},${all[0].kind},${all[0].type},`)).toBe(true);

    const jsonl = await api()
      .get(`/v1/workspaces/${WS}/audit`)
      .query({ type: 'FORBIDDEN' })
      .set(as(auditor))
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
    const parsed = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry);
    expect(parsed).toEqual((await trail({ type: 'FORBIDDEN' })).items);
  });

  it('shows why the service acted in its own field, for events stored before that field existed too', async () => {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const note = (at: string, metadata: EventToAppend['metadata']): EventToAppend => ({
      id: randomUUID(),
      type: 'ServiceActed',
      data: { workspaceId: WS, at },
      metadata,
    });
    // Before: the reason was kept as the system actor's user agent (how old events are stored).
    const legacy = { userId: 'system', role: 'system', ip: null, userAgent: 'token refresh' };
    await store.append(
      `service-notes-${WS}`,
      [
        note('2030-06-01T00:00:00.000Z', {
          actor: legacy,
          correlationId: randomUUID(),
          causationId: null,
          schemaVersion: 1,
        }),
        note('2030-06-02T00:00:00.000Z', metadataFor(systemContext('health check'))),
      ],
      'no_stream',
    );
    const { items } = await trail({ type: 'ServiceActed' });
    expect(items.map((e) => e.actor)).toEqual([
      { userId: 'system', role: 'system', ip: null, userAgent: null, reason: 'token refresh' },
      { userId: 'system', role: 'system', ip: null, userAgent: null, reason: 'health check' },
    ]);
    // A user's own actions carry no reason.
    const event = (await trail()).items.find((e) => e.type === 'ConnectionConnected');
    expect(event?.actor).toMatchObject({ userId: 'admin-1', reason: null });
  });

  // Seeding 20k entries takes a minute on FerretDB; the streaming is the API's, not the store's.
  const onSqlite = readModels === 'sqlite' ? it : it.skip;
  onSqlite(
    'streams a ~20k-entry export page by page, in chunks',
    async () => {
      const BIG = 'ws-audit-big';
      const store = ledger.app.get<EventStore>(EVENT_STORE);
      const actor = { userId: 'bulk-1', role: 'admin', ip: '10.1.1.1', userAgent: 'bulk' };
      const TOTAL = 20_000;
      for (let batch = 0; batch < TOTAL / 500; batch += 1) {
        const events: EventToAppend[] = Array.from({ length: 500 }, (_, i) => ({
          id: randomUUID(),
          type: 'AuditLoadTestEvent',
          data: {
            workspaceId: BIG,
            connectionId: `load-${i % 50}`,
            platform: 'x',
            note: 'x'.repeat(200),
            at: new Date(Date.UTC(2031, 0, 1) + (batch * 500 + i) * 1000).toISOString(),
          },
          metadata: { actor, correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
        }));
        await store.append(`audit-load-${BIG}`, events, 'any');
      }
      const bigAuditor = ledger.token({ [BIG]: 'auditor' }, 'auditor-2');
      // Project first, so the export measures streaming only.
      await request(ledger.server)
        .get(`/v1/workspaces/${BIG}/audit`)
        .query({ limit: 1 })
        .set(as(bigAuditor))
        .expect(200);

      const gc = (global as { gc?: () => void }).gc;
      gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const { port } = ledger.server.address() as AddressInfo;
      const result = await new Promise<{
        lines: number;
        chunks: number;
        headers: Record<string, unknown>;
      }>((resolve, reject) => {
        const req = get(
          {
            host: '127.0.0.1',
            port,
            path: `/v1/workspaces/${BIG}/audit`,
            headers: { Authorization: `Bearer ${bigAuditor}`, Accept: 'application/x-ndjson' },
          },
          (res) => {
            let lines = 0;
            let chunks = 0;
            res.on('data', (chunk: Buffer) => {
              chunks += 1;
              for (const byte of chunk) if (byte === 10) lines += 1;
              peak = Math.max(peak, process.memoryUsage().heapUsed);
            });
            res.on('end', () => resolve({ lines, chunks, headers: res.headers }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
      });
      expect(result.lines).toBe(TOTAL);
      expect(result.headers['transfer-encoding']).toBe('chunked');
      expect(result.headers['content-length']).toBeUndefined();
      expect(result.chunks).toBeGreaterThanOrEqual(TOTAL / 500);
      // Heap growth is only meaningful with a collector to call first (node --expose-gc): without
      // one, garbage from seeding dominates and the number says nothing.
      if (gc) expect(peak - before).toBeLessThan(32 * 1024 * 1024);
    },
    120_000,
  );
});
