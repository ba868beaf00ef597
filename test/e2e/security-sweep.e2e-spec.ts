import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';
import type { TestRole } from '../support/jwt';
import { routesOf, type AppRoute } from '../support/app-routes';

const ALL: TestRole[] = ['owner', 'admin', 'editor', 'auditor'];
const MANAGE: TestRole[] = ['owner', 'admin'];
const READ_AUDIT: TestRole[] = ['owner', 'admin', 'auditor'];
const USE: TestRole[] = ['owner', 'admin', 'editor'];

interface Sweep {
  allowed: TestRole[];
  /** `:id` names a connection: another workspace's id must answer 404. */
  namesConnection?: boolean;
  /** A valid body, so that only the id can be what is wrong. */
  body?: object;
}

/**
 * The roles allowed on each workspace route. The routes themselves come from the running app's
 * router, and a route missing here fails the sweep: a new route cannot escape it.
 */
const EXPECTED: Record<string, Sweep> = {
  'GET /v1/workspaces/:ws/integrations': { allowed: ALL },
  'GET /v1/workspaces/:ws/connections': { allowed: ALL },
  'GET /v1/workspaces/:ws/connections/:id': { allowed: ALL, namesConnection: true },
  'GET /v1/workspaces/:ws/connections/:id/history': { allowed: ALL, namesConnection: true },
  'POST /v1/workspaces/:ws/connections/oauth/:platform': { allowed: MANAGE },
  'GET /v1/workspaces/:ws/connections/selections/:id': { allowed: MANAGE },
  'POST /v1/workspaces/:ws/connections/selections/:id': { allowed: MANAGE },
  'POST /v1/workspaces/:ws/connections/:id/main': { allowed: MANAGE, namesConnection: true },
  'POST /v1/workspaces/:ws/connections/:id/copy': {
    allowed: MANAGE,
    namesConnection: true,
    body: { targetWorkspaceId: 'ws-copy-target' },
  },
  'POST /v1/workspaces/:ws/connections/:id/refresh': { allowed: MANAGE, namesConnection: true },
  'DELETE /v1/workspaces/:ws/connections/:id': { allowed: MANAGE, namesConnection: true },
  'PUT /v1/workspaces/:ws/plan': { allowed: ['owner'] },
  'GET /v1/workspaces/:ws/audit': { allowed: READ_AUDIT },
  'GET /v1/workspaces/:ws/audit/verify': { allowed: READ_AUDIT },
  'GET /v1/workspaces/:ws/audit/checkpoints': { allowed: READ_AUDIT },
  'POST /v1/workspaces/:ws/breach-response': { allowed: MANAGE },
  'POST /v1/workspaces/:ws/posts': { allowed: USE },
  'GET /v1/workspaces/:ws/posts': { allowed: ALL },
  'POST /v1/workspaces/:ws/campaigns': { allowed: USE },
  'GET /v1/workspaces/:ws/campaigns': { allowed: ALL },
  'PUT /v1/workspaces/:ws/webhook': { allowed: MANAGE },
  'GET /v1/workspaces/:ws/webhook': { allowed: READ_AUDIT },
  'DELETE /v1/workspaces/:ws/webhook': { allowed: MANAGE },
};

interface Route extends Sweep {
  name: string;
  method: AppRoute['method'];
  path: (ws: string, id: string) => string;
}

/** The app's workspace routes, each with what the sweep expects of it. */
function workspaceRoutes(app: LedgerTestApp['app']): Route[] {
  return routesOf(app)
    .filter((route) => route.path.startsWith('/v1/workspaces/:ws/'))
    .map((route) => {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      return {
        name,
        method: route.method,
        path: (ws: string, id: string) =>
          route.path.replace(':ws', ws).replace(':id', id).replace(':platform', 'x'),
        ...EXPECTED[name],
      };
    });
}

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

  it('covers every workspace route the app serves, and only those', () => {
    const served = workspaceRoutes(ledger.app).map((route) => route.name);
    expect(served.filter((name) => !EXPECTED[name])).toEqual([]);
    expect(Object.keys(EXPECTED).filter((name) => !served.includes(name))).toEqual([]);
  });

  it('every route: 401 without a token, 403 without a role here or with a role that may not', async () => {
    const wrong: object[] = [];
    const outsider = ledger.token({ [OTHER]: 'owner' }, 'outsider');
    for (const route of workspaceRoutes(ledger.app)) {
      const answers: Record<string, number> = {
        'no token': (await call(route, WS, ownId)).status,
        'no role here': (await call(route, WS, ownId, outsider)).status,
      };
      for (const role of ALL.filter((r) => !route.allowed.includes(r))) {
        const token = ledger.token({ [WS]: role }, `sweep-${role}`);
        answers[role] = (await call(route, WS, ownId, token)).status;
      }
      const expected = Object.fromEntries(
        Object.keys(answers).map((who) => [who, who === 'no token' ? 401 : 403]),
      );
      if (JSON.stringify(answers) !== JSON.stringify(expected)) {
        wrong.push({ route: route.name, answers });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every route naming a connection: another workspace’s id answers 404 NOT_FOUND', async () => {
    const wrong: object[] = [];
    const owner = ledger.token({ [WS]: 'owner', 'ws-copy-target': 'owner' });
    for (const route of workspaceRoutes(ledger.app).filter((r) => r.namesConnection)) {
      const response = await call(route, WS, foreignId, owner);
      if (response.status !== 404 || response.body.code !== 'NOT_FOUND') {
        wrong.push({ route: route.name, status: response.status, code: response.body.code });
      }
    }
    expect(wrong).toEqual([]);
  });

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
