import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('the HTTP edge: hostile bodies, headers, client IPs', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-edge';
  const api = () => request(ledger.server);
  let owner: string;

  beforeAll(async () => {
    ledger = await startLedgerApp();
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
  });
  afterAll(() => ledger.close());

  const postRaw = (body: string) =>
    api()
      .post(`/v1/workspaces/${WS}/posts`)
      .set('Authorization', `Bearer ${owner}`)
      .set('Content-Type', 'application/json')
      .send(body);

  it('answers 400 VALIDATION_FAILED to 10k nested arrays or objects, and stores nothing', async () => {
    for (const body of [
      '['.repeat(10_000) + ']'.repeat(10_000),
      '{"content":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_001),
    ]) {
      const refused = await postRaw(body);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(refused.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: '(body)' }],
      });
    }
    const posts = await api()
      .get(`/v1/workspaces/${WS}/posts`)
      .set('Authorization', `Bearer ${owner}`);
    expect(posts.body).toEqual([]);
    expect(ledger.logs.text).not.toMatch(/RangeError/);
  });

  it('answers bad JSON with 400 and a body over the limit with 413, both problem+json', async () => {
    const bad = await postRaw('{"content": "unterminated');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const large = await postRaw(JSON.stringify({ content: 'x'.repeat(600 * 1024) }));
    expect(large.status).toBe(413);
    expect(large.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sends nosniff on every answer and no-store on every API answer, keeping ETag and If-Match', async () => {
    const bearer = { Authorization: `Bearer ${owner}` };
    const connected = await ledger.connectX(WS, owner, {
      id: '7001',
      name: 'Edge',
      username: 'edge',
    });
    expect(connected.headers['cache-control']).toBe('no-store');
    const id = connected.body.connections[0].id as string;
    const answers = [
      await api().get(`/v1/workspaces/${WS}/connections/${id}`).set(bearer),
      await api().get(`/v1/workspaces/${WS}/connections`).set(bearer),
      await api().post(`/v1/workspaces/${WS}/connections/oauth/x`).set(bearer).send({}),
      await api().get(`/v1/workspaces/${WS}/connections`),
      await api().get('/v1/nowhere'),
      await api().get('/health'),
    ];
    for (const answer of answers) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['cache-control']).toBe('no-store');
    }
    const [one] = answers;
    expect(one!.status).toBe(200);
    expect(one!.headers.etag).toBe(`W/"${one!.body.version}"`);
    const stale = await api()
      .post(`/v1/workspaces/${WS}/connections/${id}/main`)
      .set(bearer)
      .set('If-Match', `W/"${one!.body.version + 5}"`);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    const docs = await api().get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['cache-control']).not.toBe('no-store');
  });

  it('records the socket peer as the actor IP, whatever X-Forwarded-For claims (TRUST_PROXY unset)', async () => {
    await api()
      .put(`/v1/workspaces/${WS}/plan`)
      .set('Authorization', `Bearer ${owner}`)
      .set('X-Forwarded-For', '203.0.113.7')
      .send({ plan: 'starter' })
      .expect(200);
    const trail = await api()
      .get(`/v1/workspaces/${WS}/audit?type=WorkspacePlanChanged`)
      .set('Authorization', `Bearer ${owner}`)
      .expect(200);
    expect(trail.body.items[0].actor.ip).toMatch(/127\.0\.0\.1$/);
  });
});

describe('TRUST_PROXY and DOCS_ENABLED', () => {
  const started: LedgerTestApp[] = [];
  afterAll(async () => {
    for (const app of started) await app.close();
  });
  const start = async (env: Record<string, string>) => {
    const ledger = await startLedgerApp({ env });
    started.push(ledger);
    return ledger;
  };

  it('records the client from X-Forwarded-For when the proxy (here loopback) is trusted', async () => {
    const ledger = await start({ TRUST_PROXY: 'loopback' });
    const owner = ledger.token({ ws: 'owner' }, 'owner-1');
    await request(ledger.server)
      .put('/v1/workspaces/ws/plan')
      .set('Authorization', `Bearer ${owner}`)
      .set('X-Forwarded-For', '198.51.100.1, 203.0.113.7')
      .send({ plan: 'starter' })
      .expect(200);
    // Refused attempts are recorded with the same IP.
    await request(ledger.server)
      .put('/v1/workspaces/ws/plan')
      .set('Authorization', `Bearer ${ledger.token({ ws: 'editor' }, 'editor-1')}`)
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ plan: 'free' })
      .expect(403);
    const trail = await request(ledger.server)
      .get('/v1/workspaces/ws/audit')
      .set('Authorization', `Bearer ${owner}`)
      .expect(200);
    const ipOf = (type: string) =>
      trail.body.items.find((e: { type: string }) => e.type === type)?.actor.ip;
    // One trusted hop (loopback): the address that proxy saw, not the one the client wrote.
    expect(ipOf('WorkspacePlanChanged')).toBe('203.0.113.7');
    expect(ipOf('FORBIDDEN')).toBe('203.0.113.9');
  });

  it('serves no /docs or /docs-json in production unless DOCS_ENABLED=true', async () => {
    const off = await start({ NODE_ENV: 'production' });
    for (const path of ['/docs', '/docs-json']) {
      const answer = await request(off.server).get(path);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(PROBLEM_JSON);
    }
    const on = await start({ NODE_ENV: 'production', DOCS_ENABLED: 'true' });
    expect((await request(on.server).get('/docs-json')).status).toBe(200);
    const local = await start({ DOCS_ENABLED: 'false' });
    expect((await request(local.server).get('/docs-json')).status).toBe(404);
  });
});
