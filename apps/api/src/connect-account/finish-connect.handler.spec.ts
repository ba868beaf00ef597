import type { ConnectionView } from '@ledger/read-models';
import { FinishConnectCommand } from './finish-connect.handler';
import { account, completedOAuth } from './testing/completed-oauth';
import { handlerApp, refusalOf } from './testing/handler-app';

describe('FinishConnectHandler (real app, SQLite)', () => {
  const app = handlerApp();
  const finish = (completed: ReturnType<typeof completedOAuth>) =>
    app
      .bus()
      .execute<FinishConnectCommand, ConnectionView[]>(
        new FinishConnectCommand(completed, app.contextOf(completed)),
      );

  it('connects every account of the flow, each with the flow’s tokens in the vault', async () => {
    await app.changePlan('ws-finish', 'starter');
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-finish',
      identities: [account('7001'), account('7002')],
    });

    const connections = await finish(completed);

    expect(connections.map((c) => [c.accountId, c.status])).toEqual([
      ['7001', 'active'],
      ['7002', 'active'],
    ]);
    for (const c of connections) {
      const tokens = await app.vault().read({ workspaceId: 'ws-finish', connectionId: c.id });
      expect(tokens?.accessToken).toBe(completed.tokens.accessToken);
    }
  });

  it('refuses an account the platform says cannot be connected, connecting nothing', async () => {
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-finish-refused',
      identities: [
        account('7003', {
          refusal: { code: 'ACCOUNT_TYPE_NOT_SUPPORTED', reason: 'Personal accounts cannot post' },
        }),
      ],
    });

    expect(await refusalOf(finish(completed))).toMatchObject({
      code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
    });
    // The same account, connectable now, connects: nothing of the refusal stayed behind.
    const again = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-finish-refused',
      identities: [account('7003')],
    });
    expect((await finish(again)).map((c) => c.accountId)).toEqual(['7003']);
  });

  it('answers the plan limit as the refusal when the workspace is full', async () => {
    const first = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-finish-full',
      identities: [account('7004')],
    });
    await finish(first);
    const second = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-finish-full',
      identities: [account('7005')],
    });
    expect(await refusalOf(finish(second))).toMatchObject({ code: 'PLAN_LIMIT_REACHED' });
  });
});
