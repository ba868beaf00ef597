import request from 'supertest';
import { workspaceStream } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import { EVENT_STORE } from '@ledger/runtime';
import type { TestRole } from '../support/jwt';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

/**
 * Ids such as `constructor` (which a plain `{}` answers with Object.prototype's member) and
 * other ids of a shape this service never mints: each answers a 4xx problem and appends
 * nothing, in a fresh workspace and in one with a connection.
 */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
/** A workspace without events per name, so each name meets the initial state. */
const freshFor = (name: string) => `ws-fresh-${PROTOTYPE_NAMES.indexOf(name)}`;
const USED = 'ws-used';
const OTHER = 'ws-other';

describe('ids of a shape this service never mints, over HTTP', () => {
  let ledger: LedgerTestApp;
  let owner: string;
  let connectionId: string;
  const api = () => request(ledger.server);
  const as = () => ({ Authorization: `Bearer ${owner}` });

  const streamLength = async (workspaceId: string) => {
    let n = 0;
    for await (const _ of ledger.app
      .get<EventStore>(EVENT_STORE)
      .readStream(workspaceStream(workspaceId)))
      n += 1;
    return n;
  };
  const lengths = async () => [
    ...(await Promise.all(PROTOTYPE_NAMES.map((name) => streamLength(freshFor(name))))),
    await streamLength(USED),
  ];

  const expectProblem = (response: request.Response, status: number, code: string) => {
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    expect(response.headers['content-type']).toContain('application/problem+json');
  };

  beforeAll(async () => {
    ledger = await startLedgerApp();
    const roles: Record<string, TestRole> = { [USED]: 'owner', [OTHER]: 'owner' };
    for (const name of PROTOTYPE_NAMES) roles[freshFor(name)] = 'owner';
    owner = ledger.token(roles, 'owner-1');
    const connected = await ledger.connectX(USED, owner, { id: '4001', name: 'A', username: 'a' });
    connectionId = connected.body.connections[0].id;
  });
  afterAll(() => ledger.close());

  describe.each(PROTOTYPE_NAMES)('a path id named %s', (name) => {
    const id = encodeURIComponent(name);
    it.each([freshFor(name), USED])(
      'is NOT_FOUND on every connection route of %s, and nothing is appended',
      async (ws) => {
        const before = await lengths();
        const base = `/v1/workspaces/${ws}/connections/${id}`;
        const answers = [
          await api().delete(base).set(as()),
          await api().post(`${base}/main`).set(as()),
          await api().post(`${base}/refresh`).set(as()),
          await api().post(`${base}/copy`).set(as()).send({ targetWorkspaceId: OTHER }),
          await api().get(base).set(as()),
          await api().get(`${base}/history`).set(as()),
          await api()
            .post(`/v1/workspaces/${ws}/connections/selections/${id}`)
            .set(as())
            .send({ accountIds: ['1'] }),
        ];
        for (const answer of answers) expectProblem(answer, 404, 'NOT_FOUND');
        expect(await lengths()).toEqual(before);
      },
    );
  });

  describe.each(PROTOTYPE_NAMES)('a body id named %s', (name) => {
    it('is VALIDATION_FAILED naming its field, and nothing is appended', async () => {
      const before = await lengths();
      const post = { platform: 'x', content: 'hi', publishAt: '2030-01-01T09:00:00Z' };
      const cases: [request.Test, string][] = [
        [
          api()
            .post(`/v1/workspaces/${USED}/posts`)
            .send({ ...post, campaignId: name }),
          'campaignId',
        ],
        [
          api()
            .post(`/v1/workspaces/${USED}/posts`)
            .send({ ...post, connectionId: name }),
          'connectionId',
        ],
        [
          api()
            .post(`/v1/workspaces/${freshFor(name)}/campaigns`)
            .send({ name: 'Launch', targets: [{ platform: 'x', connectionId: name }] }),
          'targets.0.connectionId',
        ],
        [
          api()
            .post(`/v1/workspaces/${USED}/connections/oauth/x`)
            .send({ reconnectConnectionId: name }),
          'reconnectConnectionId',
        ],
      ];
      for (const [pending, field] of cases) {
        const answer = await pending.set(as());
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      }
      expect(await lengths()).toEqual(before);
    });

    it('as the target workspace of a copy is FORBIDDEN: the token grants no such workspace', async () => {
      const answer = await api()
        .post(`/v1/workspaces/${USED}/connections/${connectionId}/copy`)
        .set(as())
        .send({ targetWorkspaceId: name });
      expectProblem(answer, 403, 'FORBIDDEN');
    });
  });

  it('still finds a connection by its UUID; the same UUID in capitals is another, unknown id', async () => {
    await api().get(`/v1/workspaces/${USED}/connections/${connectionId}`).set(as()).expect(200);
    const unknown = await api()
      .get(`/v1/workspaces/${USED}/connections/${connectionId.toUpperCase()}`)
      .set(as());
    expectProblem(unknown, 404, 'NOT_FOUND');
  });

  it('answers every read of a workspace whose stream holds the event the old code appended', async () => {
    // What DELETE .../connections/constructor appended before: a disconnect without its ids.
    const poisoned = 'ws-poisoned';
    const token = ledger.token({ [poisoned]: 'owner' }, 'owner-2');
    const connected = await ledger.connectX(poisoned, token, {
      id: '4002',
      name: 'P',
      username: 'p',
    });
    const id = connected.body.connections[0].id;
    await ledger.app.get<EventStore>(EVENT_STORE).append(
      workspaceStream(poisoned),
      [
        {
          id: '5c1b7a52-0000-4000-8000-000000000001',
          type: 'ConnectionDisconnected',
          data: {
            workspaceId: poisoned,
            reason: 'disconnected by user',
            wasMain: false,
            at: new Date().toISOString(),
          },
          metadata: {
            actor: { userId: 'owner-2', role: 'owner', ip: null, userAgent: null },
            correlationId: '5c1b7a52-0000-4000-8000-000000000002',
            causationId: null,
            schemaVersion: 1,
          },
        },
      ],
      'any',
    );
    const base = `/v1/workspaces/${poisoned}`;
    const auth = { Authorization: `Bearer ${token}` };
    for (const path of [
      `${base}/connections`,
      `${base}/connections?asOf=${encodeURIComponent(new Date().toISOString())}`,
      `${base}/connections/${id}`,
      `${base}/connections/${id}/history`,
      `${base}/integrations`,
      `${base}/posts`,
      `${base}/campaigns`,
      `${base}/audit`,
      `${base}/audit/verify`,
    ]) {
      const answer = await api().get(path).set(auth);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    }
    // And commands still decide: the real connection can be disconnected.
    await api().delete(`${base}/connections/${id}`).set(auth).expect(200);
  });

  it('declares the id formats in the OpenAPI document', async () => {
    const doc = (await api().get('/docs-json').expect(200)).body;
    const param = (path: string, method: string) => {
      const ids = doc.paths[path][method].parameters.filter(
        (p: { name: string }) => p.name === 'id',
      );
      expect(ids).toHaveLength(1);
      return ids[0];
    };
    for (const [path, method] of [
      ['/v1/workspaces/{ws}/connections/{id}', 'delete'],
      ['/v1/workspaces/{ws}/connections/{id}/main', 'post'],
      ['/v1/workspaces/{ws}/connections/{id}/copy', 'post'],
    ]) {
      expect(param(path, method)).toMatchObject({
        in: 'path',
        required: true,
        schema: { format: 'uuid' },
      });
    }
    expect(param('/v1/workspaces/{ws}/connections/selections/{id}', 'post').schema).toMatchObject({
      pattern: '^[A-Za-z0-9_-]{22}$',
    });
    expect(doc.components.schemas.SchedulePostDto.properties.campaignId).toMatchObject({
      format: 'uuid',
    });
  });
});
