import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

interface OpenApiDocument {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

// Idempotency is bound to each POST route rather than run on every request
// (docs/decisions/0021): no POST route of the API may be left without it.
describe('Idempotency-Key on every POST route', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-idempotent-posts';

  beforeAll(async () => {
    ledger = await startLedgerApp();
  });
  afterAll(() => ledger.close());

  it('is read by every authenticated POST route of the OpenAPI document (a malformed key is refused)', async () => {
    const owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    const document = (await request(ledger.server).get('/docs-json')).body as OpenApiDocument;
    const posts = Object.entries(document.paths)
      .filter(([, operations]) => operations.post?.security?.length)
      .map(([path]) => path.replace('{ws}', WS).replace(/\{[^}]+\}/g, 'unknown-id'));
    expect(posts.length).toBeGreaterThanOrEqual(8);
    for (const path of posts) {
      const answer = await request(ledger.server)
        .post(path)
        .set('Authorization', `Bearer ${owner}`)
        .set('Idempotency-Key', 'k'.repeat(256))
        .send({});
      expect({ path, status: answer.status, errors: answer.body.errors }).toEqual({
        path,
        status: 400,
        errors: [{ field: 'Idempotency-Key', messages: [expect.any(String)] }],
      });
    }
  });
});
