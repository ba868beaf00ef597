import request from 'supertest';
import { WorkspaceCommands, type Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import { ConfiguredPlatforms, loadPlatformsConfig } from '@ledger/platforms';
import type { WorkspaceReadModel, ConnectionView } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import { WORKSPACE_READ_MODEL, EVENT_STORE, TOKEN_VAULT } from '@ledger/runtime';
import {
  PUBLIC_BASE_URL,
  startLedgerApp,
  type LedgerTestApp,
  type ReadModelBackend,
} from '@ledger/testing/ledger-app';
import { WorkerStores } from '../testing/worker-stores';
import { HealthCheckJob } from './health-check.job';

const ADMIN_TASKS = ['MANAGE', 'CREATE_CONTENT', 'MODERATE', 'ADVERTISE', 'ANALYZE'];
const HEALTH_EVENTS = ['ConnectionErrored', 'ConnectionExpired', 'ConnectionRestored'];

interface HistoryEntry {
  type: string;
  actor: { userId: string; userAgent: string | null; reason: string | null };
  data: Record<string, unknown>;
}

const HOUR = 60 * 60_000;
const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)(
  'the health check job (local X API and Facebook Graph fakes), read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let clock: Clock;
    const stores = new WorkerStores(() => ledger);
    const WS = 'ws-health';

    /** A worker process: started anew on the same stores, it is a restart. */
    async function worker(
      holder: string,
      at: Clock = clock,
      periodMs = 7 * 24 * HOUR,
    ): Promise<HealthCheckJob> {
      const leases = await stores.leases();
      const env = { ...ledger.platforms.env, PUBLIC_BASE_URL };
      return new HealthCheckJob({
        readModel: readModel(),
        vault: vault(),
        platforms: ConfiguredPlatforms.fromConfig(loadPlatformsConfig(env), env),
        // Each worker is its own process: its own command side over the shared store.
        workspaces: new WorkspaceCommands(ledger.app.get<EventStore>(EVENT_STORE)),
        leases: new LeaseKeeper(leases, { clock: at, holder }),
        clock: at,
        leaseStore: leases,
        periodMs,
      });
    }

    const readModel = () => ledger.app.get<WorkspaceReadModel>(WORKSPACE_READ_MODEL);
    const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);
    const owner = () => ledger.token({ [WS]: 'owner' });
    const history = async (connectionId: string) =>
      (
        await request(ledger.server)
          .get(`/v1/workspaces/${WS}/connections/${connectionId}/history`)
          .set('Authorization', `Bearer ${ledger.token({ [WS]: 'auditor' })}`)
      ).body as HistoryEntry[];
    const healthEvents = async (connectionId: string) =>
      (await history(connectionId)).filter((e) => HEALTH_EVENTS.includes(e.type));
    const accessToken = async (connectionId: string) =>
      (await vault().read({ workspaceId: WS, connectionId }))!.accessToken;

    /** The read model as the next run sees it, once the projection caught up. */
    async function view(
      connectionId: string,
      until: (c: ConnectionView) => boolean = () => true,
    ): Promise<ConnectionView> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = await readModel().getConnection(WS, connectionId);
        if (found && until(found)) return found;
        if (Date.now() > deadline) throw new Error(`${connectionId}: ${JSON.stringify(found)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    async function connectX(id: string): Promise<string> {
      const response = await ledger.connectX(WS, owner(), {
        id,
        name: `X ${id}`,
        username: `x${id}`,
      });
      expect(response.status).toBe(200);
      return (response.body.connections[0] as { id: string }).id;
    }

    async function connectPage(pageId: string, pageToken: string): Promise<string> {
      const callback = await ledger.connect('facebook', WS, owner(), {
        id: `fb-user-${pageId}`,
        name: 'Pat',
        pages: [{ id: pageId, name: 'Acme Bakery', tasks: ADMIN_TASKS, access_token: pageToken }],
      });
      const chosen = await request(ledger.server)
        .post(`/v1/workspaces/${WS}/connections/selections/${callback.body.selection.id}`)
        .set('Authorization', `Bearer ${owner()}`)
        .send({ accountIds: [pageId] });
      expect(chosen.status).toBe(200);
      return (chosen.body.connections[0] as { id: string }).id;
    }

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      clock = { now: () => new Date() };
      await request(ledger.server)
        .put(`/v1/workspaces/${WS}/plan`)
        .set('Authorization', `Bearer ${owner()}`)
        .send({ plan: 'enterprise' });
    });
    afterAll(async () => {
      await stores.close();
      await ledger.close();
    });

    it('two workers run the check once; a healthy connection stays active and gets no event', async () => {
      const id = await connectX('701');
      const probesBefore = ledger.platforms.x.api.userFieldsRequested.length;
      const [a, b] = await Promise.all([
        (await worker('worker-a')).runOnce(),
        (await worker('worker-b')).runOnce(),
      ]);
      const ran = [a, b].filter((r) => r !== null);
      expect(ran).toHaveLength(1);
      expect(ran[0]!.get(id)).toBe('healthy');
      expect(ledger.platforms.x.api.userFieldsRequested.length - probesBefore).toBe(ran[0]!.size);
      expect((await view(id)).status).toBe('active');
      expect(await healthEvents(id)).toEqual([]);
      // The job lease is released at the end: the next scheduled run runs.
      expect(await (await worker('worker-a')).runOnce()).not.toBeNull();
    });

    it('ticks often but checks once per period across workers and restarts (the period marker is persisted)', async () => {
      await connectX('708');
      // Far from the real clock, so the app's own scheduled tick never competes.
      let now = new Date(Date.now() + 10 * 365 * 24 * HOUR);
      const fake: Clock = { now: () => now };
      const advance = (ms: number) => void (now = new Date(now.getTime() + ms));
      const tickTwoWorkers = async (tag: string) => {
        const [a, b] = await Promise.all([
          (await worker(`${tag}-a`, fake, HOUR)).tick(),
          (await worker(`${tag}-b`, fake, HOUR)).tick(),
        ]);
        return [a, b].filter((r) => r !== null).length;
      };

      expect(await tickTwoWorkers('first')).toBe(1);
      // Both workers restart, and keep ticking through the period: nothing runs.
      for (const [minutesLater, tag] of [
        [1, 'restart-1m'],
        [29, 'restart-30m'],
        [29, 'restart-59m'],
      ] as const) {
        advance(minutesLater * 60_000);
        expect(await tickTwoWorkers(tag)).toBe(0);
      }
      // The next period: exactly one of two freshly started workers runs it, once.
      advance(2 * 60_000);
      expect(await tickTwoWorkers('next-period')).toBe(1);
      expect(await tickTwoWorkers('next-period-again')).toBe(0);
      // Running the check directly (outside a tick) does not consume the period.
      advance(HOUR);
      expect(await (await worker('manual', fake, HOUR)).runOnce()).not.toBeNull();
      expect(await tickTwoWorkers('after-manual')).toBe(1);
    });

    it('revoked permissions make it error with the reason; when X answers again it is restored, each change an event with its cause', async () => {
      const id = await connectX('702');
      const token = await accessToken(id);
      ledger.platforms.x.api.scriptResponse(token, {
        status: 403,
        body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
      });
      const job = await worker('worker-c');
      expect(await job.checkOne(await view(id))).toBe('error');
      const errored = await view(id, (c) => c.status === 'error');
      expect(errored.statusReason).toMatch(/permissions revoked/i);
      // Checked again while still revoked: nothing new recorded.
      expect(await job.checkOne(errored)).toBe('error');

      ledger.platforms.x.api.scriptResponse(token, {
        status: 200,
        body: { data: { id: '702', name: 'X 702', username: 'x702' } },
      });
      expect(await job.checkOne(errored)).toBe('restored');
      expect((await view(id, (c) => c.status === 'active')).statusReason).toBeNull();
      const events = await healthEvents(id);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'ConnectionErrored',
          actor: expect.objectContaining({
            userId: 'system',
            reason: 'health check',
            userAgent: null,
          }),
          data: expect.objectContaining({ reason: expect.stringMatching(/permissions revoked/i) }),
        }),
        expect.objectContaining({
          type: 'ConnectionRestored',
          actor: expect.objectContaining({
            userId: 'system',
            reason: 'health check',
            userAgent: null,
          }),
          data: expect.objectContaining({ reason: 'the platform answers again' }),
        }),
      ]);
    });

    it('a dead token makes it expired, with the reason', async () => {
      const id = await connectX('703');
      ledger.platforms.x.api.scriptResponse(await accessToken(id), {
        status: 401,
        body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
      });
      expect(await (await worker('worker-d')).checkOne(await view(id))).toBe('expired');
      expect((await view(id, (c) => c.status === 'expired')).statusReason).toMatch(/reconnect/i);
      expect((await healthEvents(id)).map((e) => e.type)).toEqual(['ConnectionExpired']);
    });

    it('a platform 503 leaves it active, with no event', async () => {
      const id = await connectX('704');
      ledger.platforms.x.api.scriptResponse(await accessToken(id), {
        status: 503,
        body: { title: 'Service Unavailable', status: 503 },
      });
      expect(await (await worker('worker-e')).checkOne(await view(id))).toBe('transient');
      expect((await view(id)).status).toBe('active');
      expect(await healthEvents(id)).toEqual([]);
    });

    it('a deleted X account makes it error: account not found', async () => {
      const id = await connectX('705');
      ledger.platforms.x.api.scriptResponse(await accessToken(id), {
        status: 404,
        body: {
          title: 'Not Found Error',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      });
      expect(await (await worker('worker-f')).checkOne(await view(id))).toBe('error');
      expect((await view(id, (c) => c.status === 'error')).statusReason).toMatch(
        /account not found/i,
      );
    });

    it('records a renamed X account (same id, new username): the connection shows the new name, the history the previous one', async () => {
      const id = await connectX('706');
      const before = await view(id);
      expect(before.accountName).toBe('x706');
      ledger.platforms.x.api.scriptResponse(await accessToken(id), {
        status: 200,
        body: { data: { id: '706', name: 'X 706', username: 'x706renamed' } },
      });
      const job = await worker('worker-g');
      expect(await job.checkOne(before)).toBe('renamed');
      const after = await view(id, (c) => c.accountName === 'x706renamed');
      expect(after).toMatchObject({ status: 'active', version: before.version + 1 });
      const shown = await request(ledger.server)
        .get(`/v1/workspaces/${WS}/connections/${id}`)
        .set('Authorization', `Bearer ${owner()}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ accountName: 'x706renamed', status: 'active' });
      const renames = (await history(id)).filter((e) => e.type === 'ConnectionRenamed');
      expect(renames).toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({
            userId: 'system',
            reason: 'health check',
            userAgent: null,
          }),
          data: expect.objectContaining({
            previousName: 'x706',
            accountName: 'x706renamed',
            platform: 'x',
          }),
        }),
      ]);
      expect(await healthEvents(id)).toEqual([]);
      // Checked again under the new name: healthy, nothing new recorded.
      expect(await job.checkOne(after)).toBe('healthy');
      expect((await history(id)).filter((e) => e.type === 'ConnectionRenamed')).toHaveLength(1);
    });

    it('a renamed connection that answers again after an error is restored and renamed', async () => {
      const id = await connectX('709');
      const token = await accessToken(id);
      ledger.platforms.x.api.scriptResponse(token, {
        status: 403,
        body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
      });
      const job = await worker('worker-g2');
      expect(await job.checkOne(await view(id))).toBe('error');
      const errored = await view(id, (c) => c.status === 'error');
      ledger.platforms.x.api.scriptResponse(token, {
        status: 200,
        body: { data: { id: '709', name: 'X 709', username: 'x709new' } },
      });
      expect(await job.checkOne(errored)).toBe('restored');
      expect(
        await view(id, (c) => c.status === 'active' && c.accountName === 'x709new'),
      ).toMatchObject({ statusReason: null });
      expect(
        (await history(id))
          .map((e) => e.type)
          .filter((t) => t !== 'ConnectionConnected' && t !== 'MainAccountSet'),
      ).toEqual(['ConnectionErrored', 'ConnectionRestored', 'ConnectionRenamed']);
    });

    it('an X token that now acts for another account makes it error', async () => {
      const id = await connectX('707');
      ledger.platforms.x.api.scriptResponse(await accessToken(id), {
        status: 200,
        body: { data: { id: '999', name: 'Someone', username: 'someone' } },
      });
      expect(await (await worker('worker-h')).checkOne(await view(id))).toBe('error');
    });

    describe('a Facebook Page, checked with its Page token', () => {
      const graph = () => ledger.platforms.facebook.graph;
      const pageToken = `EAAPage-health-${Math.random().toString(36).slice(2)}`;
      let id: string;

      beforeAll(async () => {
        ledger.secrets.push(pageToken);
        id = await connectPage('page-health', pageToken);
      });

      it('is healthy while the Page answers `GET /{page-id}` with the Page token', async () => {
        const before = graph().requests.length;
        expect(await (await worker('worker-i')).checkOne(await view(id))).toBe('healthy');
        expect(graph().requests.slice(before)).toEqual([
          expect.objectContaining({ path: 'page-health', tokenIn: 'header', fields: 'id,name' }),
        ]);
        expect(await healthEvents(id)).toEqual([]);
      });

      it('a deleted Page (Graph 803) is an error: account not found; a removed permission (Graph 10) another; Graph 190 expires it; answering again restores it', async () => {
        const job = await worker('worker-j');
        graph().scriptResponse(pageToken, {
          status: 404,
          body: {
            error: {
              message: '(#803) Some of the aliases you requested do not exist: page-health',
              type: 'OAuthException',
              code: 803,
              fbtrace_id: 'AbCdEf123',
            },
          },
        });
        expect(await job.checkOne(await view(id))).toBe('error');
        const gone = await view(id, (c) => c.status === 'error');
        expect(gone.statusReason).toMatch(/account not found/i);

        graph().scriptResponse(pageToken, {
          status: 403,
          body: {
            error: {
              message: '(#10) This endpoint requires the pages_read_engagement permission',
              type: 'OAuthException',
              code: 10,
            },
          },
        });
        expect(await job.checkOne(gone)).toBe('error');
        const revoked = await view(id, (c) => /permissions revoked/i.test(c.statusReason ?? ''));

        graph().scriptResponse(pageToken, {
          status: 400,
          body: {
            error: {
              message: 'Error validating access token: Session has expired.',
              type: 'OAuthException',
              code: 190,
              error_subcode: 463,
            },
          },
        });
        expect(await job.checkOne(revoked)).toBe('expired');
        const expired = await view(id, (c) => c.status === 'expired');

        graph().scriptResponse(pageToken, {
          status: 200,
          body: { id: 'page-health', name: 'Acme Bakery' },
        });
        expect(await job.checkOne(expired)).toBe('restored');
        await view(id, (c) => c.status === 'active');
        expect((await healthEvents(id)).map((e) => [e.type, e.data.reason])).toEqual([
          ['ConnectionErrored', expect.stringMatching(/account not found/i)],
          ['ConnectionErrored', expect.stringMatching(/permissions revoked/i)],
          ['ConnectionExpired', expect.stringMatching(/reconnect/i)],
          ['ConnectionRestored', 'the platform answers again'],
        ]);
      });

      it('a user no longer admin of the Page (Graph 190/492) is an error saying so', async () => {
        graph().scriptResponse(pageToken, {
          status: 400,
          body: {
            error: {
              message: 'Invalid session',
              type: 'OAuthException',
              code: 190,
              error_subcode: 492,
            },
          },
        });
        expect(await (await worker('worker-k')).checkOne(await view(id))).toBe('error');
        expect((await view(id, (c) => c.status === 'error')).statusReason).toMatch(/admin/i);
      });
    });
  },
);
