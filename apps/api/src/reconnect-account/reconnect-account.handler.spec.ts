import type { ConnectionView } from '@ledger/read-models';
import { FinishConnectCommand } from '../connect-account/finish-connect.handler';
import { account, completedOAuth } from '../connect-account/testing/completed-oauth';
import { handlerApp, refusalOf } from '../connect-account/testing/handler-app';
import { ReconnectAccountCommand } from './reconnect-account.handler';

describe('ReconnectAccountHandler (real app, SQLite)', () => {
  const app = handlerApp();

  async function connected(workspaceId: string, accountId: string): Promise<ConnectionView> {
    const completed = completedOAuth({
      platform: 'x',
      workspaceId,
      identities: [account(accountId)],
    });
    const [connection] = await app
      .bus()
      .execute<FinishConnectCommand, ConnectionView[]>(
        new FinishConnectCommand(completed, app.contextOf(completed)),
      );
    return connection!;
  }

  const reconnect = (completed: ReturnType<typeof completedOAuth>, connectionId: string) =>
    app
      .bus()
      .execute<ReconnectAccountCommand, ConnectionView>(
        new ReconnectAccountCommand(completed, connectionId, app.contextOf(completed)),
      );

  it('keeps the connection and replaces its tokens with the new sign-in’s', async () => {
    const connection = await connected('ws-reconnect', '7101');
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-reconnect',
      intent: { kind: 'reconnect', connectionId: connection.id },
      identities: [account('7101')],
    });

    const restored = await reconnect(completed, connection.id);

    expect(restored).toMatchObject({ id: connection.id, accountId: '7101', status: 'active' });
    const tokens = await app
      .vault()
      .read({ workspaceId: 'ws-reconnect', connectionId: connection.id });
    expect(tokens?.accessToken).toBe(completed.tokens.accessToken);
  });

  it('refuses a sign-in to another account before any token is replaced', async () => {
    const connection = await connected('ws-reconnect-other', '7102');
    const ref = { workspaceId: 'ws-reconnect-other', connectionId: connection.id };
    const before = await app.vault().read(ref);
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-reconnect-other',
      intent: { kind: 'reconnect', connectionId: connection.id },
      identities: [account('9999')],
    });

    expect(await refusalOf(reconnect(completed, connection.id))).toMatchObject({
      code: 'RECONNECT_ACCOUNT_MISMATCH',
    });
    expect((await app.vault().read(ref))?.accessToken).toBe(before?.accessToken);
  });

  it('says ACCOUNT_NOT_FOUND when the sign-in returned no account', async () => {
    const connection = await connected('ws-reconnect-none', '7103');
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-reconnect-none',
      identities: [],
    });
    expect(await refusalOf(reconnect(completed, connection.id))).toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
    });
  });
});
