import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import type { TestRole } from '../support/jwt';

const ALL: TestRole[] = ['owner', 'admin', 'editor', 'auditor'];
const MANAGE: TestRole[] = ['owner', 'admin'];
const READ_AUDIT: TestRole[] = ['owner', 'admin', 'auditor'];
const USE: TestRole[] = ['owner', 'admin', 'editor'];

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: (ws: string, id: string) => string;
  allowed: TestRole[];
  /** Names a connection: another workspace's id must answer 404. */
  namesConnection?: boolean;
  /** A valid body, so that only the id can be what is wrong. */
  body?: object;
}

/** Every workspace route of the contract, with the roles allowed to call it. */
const ROUTES: Route[] = [
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/integrations`, allowed: ALL },
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/connections`, allowed: ALL },
  {
    method: 'get',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}`,
    allowed: ALL,
    namesConnection: true,
  },
  {
    method: 'get',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}/history`,
    allowed: ALL,
    namesConnection: true,
  },
  { method: 'post', path: (ws) => `/v1/workspaces/${ws}/connections/oauth/x`, allowed: MANAGE },
  {
    method: 'post',
    path: (ws) => `/v1/workspaces/${ws}/connections/selections/unknown`,
    allowed: MANAGE,
  },
  {
    method: 'post',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}/main`,
    allowed: MANAGE,
    namesConnection: true,
  },
  {
    method: 'post',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}/copy`,
    allowed: MANAGE,
    namesConnection: true,
    body: { targetWorkspaceId: 'ws-copy-target' },
  },
  {
    method: 'post',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}/refresh`,
    allowed: MANAGE,
    namesConnection: true,
  },
  {
    method: 'delete',
    path: (ws, id) => `/v1/workspaces/${ws}/connections/${id}`,
    allowed: MANAGE,
    namesConnection: true,
  },
  { method: 'put', path: (ws) => `/v1/workspaces/${ws}/plan`, allowed: ['owner'] },
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/audit`, allowed: READ_AUDIT },
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/audit/verify`, allowed: READ_AUDIT },
  { method: 'post', path: (ws) => `/v1/workspaces/${ws}/breach-response`, allowed: MANAGE },
  { method: 'post', path: (ws) => `/v1/workspaces/${ws}/posts`, allowed: USE },
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/posts`, allowed: ALL },
  { method: 'post', path: (ws) => `/v1/workspaces/${ws}/campaigns`, allowed: USE },
  { method: 'get', path: (ws) => `/v1/workspaces/${ws}/campaigns`, allowed: ALL },
  { method: 'put', path: (ws) => `/v1/workspaces/${ws}/webhook`, allowed: MANAGE },
  { method: 'delete', path: (ws) => `/v1/workspaces/${ws}/webhook`, allowed: MANAGE },
];

describe('security sweep: every route, every role that must not pass, other workspaces’ ids', () => {
  let ledger: LedgerTestApp;
  let ownId: string;
  let foreignId: string;
  const WS = 'ws-sweep';
  const OTHER = 'ws-sweep-other';
  const call = (route: Route, ws: string, id: string, token?: string) => {
    const r = request(ledger.server)[route.method](route.path(ws, id));
    return (token ? r.set('Authorization', `Bearer ${token}`) : r).send(route.body ?? {});
  };

  beforeAll(async () => {
    ledger = await startLedgerApp();
    ownId = (
      await ledger.connectX(WS, ledger.token({ [WS]: 'owner' }), {
        id: '9101',
        name: 'Own',
        username: 'own',
      })
    ).body.connections[0].id;
    foreignId = (
      await ledger.connectX(OTHER, ledger.token({ [OTHER]: 'owner' }, 'other-owner'), {
        id: '9102',
        name: 'Foreign',
        username: 'foreign',
      })
    ).body.connections[0].id;
  });
  afterAll(() => ledger.close());

  it.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path(':ws', ':id')}`, r] as const))(
    '%s: 401 without a token, 403 without a role here or with a role that may not',
    async (_name, route) => {
      expect((await call(route, WS, ownId)).status).toBe(401);
      const elsewhere = ledger.token({ [OTHER]: 'owner' }, 'outsider');
      expect((await call(route, WS, ownId, elsewhere)).status).toBe(403);
      for (const role of ALL.filter((r) => !route.allowed.includes(r))) {
        const response = await call(
          route,
          WS,
          ownId,
          ledger.token({ [WS]: role }, `sweep-${role}`),
        );
        expect({ role, status: response.status }).toEqual({ role, status: 403 });
      }
    },
  );

  it.each(
    ROUTES.filter((r) => r.namesConnection).map(
      (r) => [`${r.method.toUpperCase()} ${r.path(':ws', ':id')}`, r] as const,
    ),
  )(
    '%s: another workspace’s connection id answers 404 and changes nothing',
    async (_name, route) => {
      const response = await call(
        route,
        WS,
        foreignId,
        ledger.token({ [WS]: 'owner', 'ws-copy-target': 'owner' }),
      );
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    },
  );

  it('after all of it, the foreign connection is intact and no secret sits in any store file or log', async () => {
    const foreign = await request(ledger.server)
      .get(`/v1/workspaces/${OTHER}/connections/${foreignId}`)
      .set('Authorization', `Bearer ${ledger.token({ [OTHER]: 'auditor' })}`)
      .expect(200);
    expect(foreign.body).toMatchObject({ status: 'active', isMain: true });
    const stored = readdirSync(ledger.dataDir)
      .map((name) => readFileSync(join(ledger.dataDir, name)).toString('latin1'))
      .join('\n');
    for (const secret of ledger.secrets) {
      expect(stored).not.toContain(secret);
      expect(ledger.logs.text).not.toContain(secret);
    }
  });
});
