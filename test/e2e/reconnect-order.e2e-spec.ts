import request from 'supertest';
import { WorkspaceCommands } from '@ledger/commands';
import type { TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';
import { startLedgerApp, type LedgerTestApp } from '../support/ledger-app';

/**
 * Reconnect stores the new tokens before it records ConnectionReconnected, so a failure (or a
 * crash) between the two never leaves an "active" connection holding the old, dead tokens.
 * The faults are injected: a full disk or a dying process cannot be staged here on demand.
 */
describe('reconnect: the new tokens are stored before the event', () => {
  let ledger: LedgerTestApp;
  const WS = 'ws-reconnect-order';
  const api = () => request(ledger.server);
  let owner: string;
  const vault = () => ledger.app.get<TokenVault>(TOKEN_VAULT);
  const user = { id: '8301', name: 'Order', username: 'order' };
  let connectionId: string;

  const historyTypes = async (): Promise<string[]> =>
    (
      await api()
        .get(`/v1/workspaces/${WS}/connections/${connectionId}/history`)
        .set('Authorization', `Bearer ${owner}`)
        .expect(200)
    ).body.map((e: { type: string }) => e.type);

  beforeAll(async () => {
    ledger = await startLedgerApp();
    owner = ledger.token({ [WS]: 'owner' });
    const connected = await ledger.connectX(WS, owner, user);
    expect(connected.status).toBe(200);
    connectionId = connected.body.connections[0].id;
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => ledger.close());

  it('a vault that fails on write (injected) leaves no ConnectionReconnected and the old tokens in place', async () => {
    const before = await vault().read({ workspaceId: WS, connectionId });
    jest.spyOn(vault(), 'store').mockRejectedValueOnce(new Error('disk full (injected)'));

    const failed = await ledger.connectX(WS, owner, user, { reconnectConnectionId: connectionId });

    expect(failed.status).toBe(500);
    expect(await historyTypes()).not.toContain('ConnectionReconnected');
    expect(await vault().read({ workspaceId: WS, connectionId })).toEqual(before);
  });

  it('an append that fails after the write (injected) leaves the new tokens stored, and a retry records the event', async () => {
    const before = await vault().read({ workspaceId: WS, connectionId });
    const workspaces = ledger.app.get(WorkspaceCommands);
    const execute = workspaces.execute.bind(workspaces);
    jest
      .spyOn(workspaces, 'execute')
      .mockImplementation((command, context) =>
        command.type === 'ReconnectAccount'
          ? Promise.reject(new Error('process died before the append (injected)'))
          : execute(command, context),
      );

    const failed = await ledger.connectX(WS, owner, user, { reconnectConnectionId: connectionId });

    expect(failed.status).toBe(500);
    expect(await historyTypes()).not.toContain('ConnectionReconnected');
    const stored = await vault().read({ workspaceId: WS, connectionId });
    expect(stored?.accessToken).toEqual(expect.any(String));
    expect(stored?.accessToken).not.toBe(before?.accessToken);

    jest.restoreAllMocks();
    const retried = await ledger.connectX(WS, owner, user, { reconnectConnectionId: connectionId });
    expect(retried.status).toBe(200);
    expect(await historyTypes()).toContain('ConnectionReconnected');
  });

  it('another account coming back replaces no token', async () => {
    const before = await vault().read({ workspaceId: WS, connectionId });
    const mismatch = await ledger.connectX(
      WS,
      owner,
      { id: '8399', name: 'Else', username: 'else' },
      { reconnectConnectionId: connectionId },
    );
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.code).toBe('RECONNECT_ACCOUNT_MISMATCH');
    expect(await vault().read({ workspaceId: WS, connectionId })).toEqual(before);
  });
});
