import request from 'supertest';
import { WorkspaceCommands, type Clock } from '@ledger/commands';
import type { EventStore } from '@ledger/event-store';
import { LeaseKeeper } from '@ledger/leases';
import { ConfiguredPlatforms, loadPlatformsConfig } from '@ledger/platforms';
import type { WorkspaceReadModel } from '@ledger/read-models';
import type { TokenVault } from '@ledger/token-vault';
import { WORKSPACE_READ_MODEL, EVENT_STORE, TOKEN_VAULT } from '@ledger/runtime';
import {
  PUBLIC_BASE_URL,
  startLedgerApp,
  type LedgerTestApp,
  type ReadModelBackend,
} from '@ledger/testing/ledger-app';
import { WorkerStores } from '../testing/worker-stores';
import { TokenRefreshJob } from './token-refresh.job';

const MINUTE = 60_000;

const BACKENDS: ReadModelBackend[] = ['sqlite', 'ferretdb'];

describe.each(BACKENDS)(
  'the token refresh job (X rotates refresh tokens; local X OAuth server), read models in %s',
  (readModels) => {
    let ledger: LedgerTestApp;
    let clock: Clock & { set(at: Date): void };
    const stores = new WorkerStores(() => ledger);
    const WS = 'ws-refresh';

    async function worker(holder: string): Promise<TokenRefreshJob> {
      const leases = await stores.leases();
      return new TokenRefreshJob({
        readModel: ledger.app.get<WorkspaceReadModel>(WORKSPACE_READ_MODEL),
        vault: ledger.app.get<TokenVault>(TOKEN_VAULT),
        platforms: ConfiguredPlatforms.fromConfig(
          loadPlatformsConfig({ ...ledger.platforms.env, PUBLIC_BASE_URL }),
        ),
        // Each worker is its own process: its own command side over the shared store.
        workspaces: new WorkspaceCommands(ledger.app.get<EventStore>(EVENT_STORE)),
        leases: new LeaseKeeper(leases, { clock, holder }),
        clock,
      });
    }

    async function connectX(id: string) {
      const owner = ledger.token({ [WS]: 'owner' });
      await request(ledger.server)
        .put(`/v1/workspaces/${WS}/plan`)
        .set('Authorization', `Bearer ${owner}`)
        .send({ plan: 'enterprise' });
      const response = await ledger.connectX(WS, owner, {
        id,
        name: `X ${id}`,
        username: `x${id}`,
      });
      return response.body.connections[0] as { id: string; tokenExpiresAt: string };
    }

    const readModel = () => ledger.app.get<WorkspaceReadModel>(WORKSPACE_READ_MODEL);
    const history = async (connectionId: string) =>
      (
        await request(ledger.server)
          .get(`/v1/workspaces/${WS}/connections/${connectionId}/history`)
          .set('Authorization', `Bearer ${ledger.token({ [WS]: 'auditor' })}`)
      ).body as { type: string; data: Record<string, unknown> }[];
    const refreshRequests = async () =>
      (await ledger.platforms.x.oauth.tokenRequests()).filter(
        (r) => r.grantType === 'refresh_token',
      );

    beforeAll(async () => {
      ledger = await startLedgerApp({ readModels });
      let current = new Date();
      clock = { now: () => current, set: (at) => void (current = at) };
    });
    afterAll(async () => {
      await stores.close();
      await ledger.close();
    });

    it('two workers refresh a connection once: new tokens kept, the refresh recorded, the old refresh token dead', async () => {
      const connection = await connectX('601');
      const vault = ledger.app.get<TokenVault>(TOKEN_VAULT);
      const before = await vault.read({ workspaceId: WS, connectionId: connection.id });
      expect(before?.refreshToken).toEqual(expect.any(String));
      const requestsBefore = (await refreshRequests()).length;

      // 110 minutes into a two-hour token: past the point X tokens are refreshed at.
      clock.set(new Date(Date.parse(connection.tokenExpiresAt) - 10 * MINUTE));
      const [a, b] = await Promise.all([
        (await worker('worker-a')).runOnce(),
        (await worker('worker-b')).runOnce(),
      ]);
      const outcomes = [a.get(connection.id), b.get(connection.id)].sort();
      expect(outcomes.filter((o) => o === 'refreshed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'busy' || o === 'not-due')).toHaveLength(1);

      expect((await refreshRequests()).length - requestsBefore).toBe(1);
      const after = await vault.read({ workspaceId: WS, connectionId: connection.id });
      expect(after?.refreshToken).not.toBe(before?.refreshToken);
      expect(after?.accessToken).not.toBe(before?.accessToken);
      const refreshed = (await history(connection.id)).filter(
        (e) => e.type === 'ConnectionTokensRefreshed',
      );
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0].data.trigger).toBe('scheduled');
    });

    it('leaves the connection active on a transient platform failure and backs off', async () => {
      const connection = await connectX('602');
      clock.set(new Date(Date.parse(connection.tokenExpiresAt) - 10 * MINUTE));
      await ledger.platforms.x.oauth.failNextTokenRequest(503, { error: 'server_error' });
      const job = await worker('worker-c');
      const view = await readModel().getConnection(WS, connection.id);
      expect(await job.refreshOne(view!)).toBe('transient');
      expect(await job.refreshOne(view!)).toBe('backing-off');
      expect((await readModel().getConnection(WS, connection.id))?.status).toBe('active');
      const types = (await history(connection.id)).map((e) => e.type);
      expect(types).not.toContain('ConnectionExpired');
      expect(types).not.toContain('ConnectionErrored');
    });

    it('marks the connection expired, with the reason, when X says the refresh token is dead', async () => {
      const connection = await connectX('603');
      clock.set(new Date(Date.parse(connection.tokenExpiresAt) - 10 * MINUTE));
      await ledger.platforms.x.oauth.failNextTokenRequest(400, {
        error: 'invalid_request',
        error_description: 'Value passed for the token was invalid.',
      });
      // This connection alone: runOnce would also visit the earlier tests' connections.
      const view = await readModel().getConnection(WS, connection.id);
      expect(await (await worker('worker-d')).refreshOne(view!)).toBe('expired');
      const last = (await history(connection.id)).at(-1);
      expect(last).toMatchObject({
        type: 'ConnectionExpired',
        data: { reason: expect.stringMatching(/reconnect/i) },
      });
    });

    it('refreshes on demand over HTTP, recorded as a manual refresh; auditors may not', async () => {
      const connection = await connectX('604');
      const refresh = (role: 'owner' | 'auditor') =>
        request(ledger.server)
          .post(`/v1/workspaces/${WS}/connections/${connection.id}/refresh`)
          .set('Authorization', `Bearer ${ledger.token({ [WS]: role })}`);
      expect((await refresh('auditor')).status).toBe(403);
      const response = await refresh('owner');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ result: 'refreshed' });
      const manual = (await history(connection.id)).filter(
        (e) => e.type === 'ConnectionTokensRefreshed',
      );
      expect(manual).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ trigger: 'manual' }) }),
      ]);
    });
  },
);
