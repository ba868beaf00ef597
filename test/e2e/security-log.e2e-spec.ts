import request from 'supertest';
import { signTestToken } from '../support/jwt';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

interface SecurityLine {
  event: string;
  code?: string;
  status?: number;
  method?: string;
  path?: string;
  workspaceId?: string | null;
  userId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  correlationId?: string | null;
  caller?: string;
  suppressed?: number;
}

/** The structured lines the app wrote through its logger under the `SecurityLog` context. */
function securityLog(ledger: LedgerTestApp): SecurityLine[] {
  return ledger.logs.lines
    .filter((line) => line.startsWith('warn {') && line.endsWith('} SecurityLog'))
    .map((line) => JSON.parse(line.slice('warn '.length, -' SecurityLog'.length)) as SecurityLine);
}

const WS = 'ws-tenant';

describe("refusals of callers without a role in a workspace stay out of that workspace's trail", () => {
  let ledger: LedgerTestApp;
  let owner: string;
  const api = () => request(ledger.server);
  const trail = async () =>
    (
      await api()
        .get(`/v1/workspaces/${WS}/audit`)
        .query({ limit: 1000 })
        .set('Authorization', `Bearer ${owner}`)
        .expect(200)
    ).body.items as { type: string; kind: string; actor: { userId: string; role: string } }[];

  beforeAll(async () => {
    ledger = await startLedgerApp();
    owner = ledger.token({ [WS]: 'owner' }, 'owner-1');
    await api()
      .put(`/v1/workspaces/${WS}/plan`)
      .set('Authorization', `Bearer ${owner}`)
      .send({ plan: 'starter' })
      .expect(200);
  });
  afterAll(() => ledger.close());

  it("an outsider's refused requests leave A's audit trail unchanged and reach the security log", async () => {
    const before = await trail();
    expect(before.length).toBeGreaterThan(0);
    // A real user, owner elsewhere, with no role in WS; ids and user agent of their choosing.
    const outsider = ledger.token({ 'ws-theirs': 'owner' }, 'outsider-1');
    const as = { Authorization: `Bearer ${outsider}`, 'User-Agent': 'chosen-agent/6.6 "quoted"' };
    const attempts = [
      api().get(`/v1/workspaces/${WS}/connections`).set(as),
      api().delete(`/v1/workspaces/${WS}/connections/conn-chosen-by-them`).set(as),
      api().post(`/v1/workspaces/${WS}/connections/oauth/x`).set(as).send({}),
      api().put(`/v1/workspaces/${WS}/webhook`).set(as).send({ url: 'https://hooks.example.com/' }),
      api().get(`/v1/workspaces/${WS}/audit`).set(as),
    ];
    const answers = await Promise.all(attempts);
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('FORBIDDEN');
    }

    expect(await trail()).toEqual(before);
    const logged = securityLog(ledger).filter((l) => l.userId === 'outsider-1');
    expect(logged).toHaveLength(attempts.length);
    expect(logged.map((l) => l.correlationId).sort()).toEqual(
      answers.map((a) => a.body.correlationId).sort(),
    );
    for (const line of logged) {
      expect(line).toMatchObject({
        event: 'security.refused',
        code: 'FORBIDDEN',
        status: 403,
        workspaceId: WS,
        userAgent: 'chosen-agent/6.6 "quoted"',
        ip: expect.any(String),
      });
    }
    expect(logged.map((l) => l.path)).toContain(
      `/v1/workspaces/${WS}/connections/conn-chosen-by-them`,
    );
    expect(ledger.logs.text).not.toContain(outsider);
  });

  it('unauthenticated refusals go there too, and never the token', async () => {
    const before = await trail();
    const forged = signTestToken({ sub: 'owner-1', workspaces: { [WS]: 'owner' } }, 'not-ours');
    const noToken = await api().delete(`/v1/workspaces/${WS}/connections/c-1`);
    const badToken = await api()
      .delete(`/v1/workspaces/${WS}/connections/c-2`)
      .set('Authorization', `Bearer ${forged}`);
    expect([noToken.status, badToken.status]).toEqual([401, 401]);

    expect(await trail()).toEqual(before);
    const logged = securityLog(ledger).filter((l) => l.code === 'UNAUTHENTICATED');
    expect(logged.map((l) => l.path)).toEqual([
      `/v1/workspaces/${WS}/connections/c-1`,
      `/v1/workspaces/${WS}/connections/c-2`,
    ]);
    expect(logged.every((l) => l.userId === null && l.workspaceId === WS)).toBe(true);
    expect(ledger.logs.text).not.toContain(forged);
    expect(ledger.logs.text).not.toContain(forged.split('.')[2]);
  });

  it("a member's refusal still lands in the workspace's trail, not in the security log", async () => {
    const editor = ledger.token({ [WS]: 'editor' }, 'editor-1');
    const refused = await api()
      .put(`/v1/workspaces/${WS}/webhook`)
      .set('Authorization', `Bearer ${editor}`)
      .send({ url: 'https://hooks.example.com/' });
    expect(refused.status).toBe(403);

    const forbidden = (await trail()).filter((e) => e.kind === 'refused');
    expect(forbidden).toEqual([
      expect.objectContaining({
        type: 'FORBIDDEN',
        actor: expect.objectContaining({ userId: 'editor-1', role: 'editor' }),
      }),
    ]);
    expect(securityLog(ledger).filter((l) => l.userId === 'editor-1')).toEqual([]);
  });
});

describe('a flood of outsider refusals is rate-limited in the security log, with a count', () => {
  it('logs the first 20 per caller, says once that it is limiting, and counts the rest', async () => {
    const ledger = await startLedgerApp();
    let closed = false;
    try {
      const flooder = ledger.token({ 'ws-theirs': 'owner' }, 'flooder-1');
      for (let i = 0; i < 35; i += 1) {
        await request(ledger.server)
          .delete(`/v1/workspaces/${WS}/connections/conn-${i}`)
          .set('Authorization', `Bearer ${flooder}`)
          .expect(403);
      }
      // Another caller is not silenced by the flood.
      const other = ledger.token({ 'ws-theirs': 'owner' }, 'other-1');
      await request(ledger.server)
        .get(`/v1/workspaces/${WS}/connections`)
        .set('Authorization', `Bearer ${other}`)
        .expect(403);

      const lines = securityLog(ledger);
      expect(lines.filter((l) => l.userId === 'flooder-1')).toHaveLength(20);
      expect(lines.filter((l) => l.event === 'security.rate_limited')).toEqual([
        expect.objectContaining({ caller: 'user:flooder-1' }),
      ]);
      expect(lines.filter((l) => l.userId === 'other-1')).toHaveLength(1);

      // The count of what was left out is written when the window closes (here: shutdown).
      await ledger.close();
      closed = true;
      expect(securityLog(ledger).filter((l) => l.event === 'security.suppressed')).toEqual([
        expect.objectContaining({ caller: 'user:flooder-1', suppressed: 15 }),
      ]);
    } finally {
      if (!closed) await ledger.close();
    }
  });
});
