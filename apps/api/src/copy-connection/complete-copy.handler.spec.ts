import type { ConnectionView } from '@ledger/read-models';
import { FinishConnectCommand } from '../connect-account/finish-connect.handler';
import { account, completedOAuth } from '../connect-account/testing/completed-oauth';
import { handlerApp, refusalOf } from '../connect-account/testing/handler-app';
import { CompleteCopyCommand } from './complete-copy.handler';

describe('CompleteCopyHandler (real app, SQLite)', () => {
  const app = handlerApp();
  let source: ConnectionView;

  beforeAll(async () => {
    const completed = completedOAuth({
      platform: 'x',
      workspaceId: 'ws-copy-from',
      identities: [account('7201')],
    });
    [source] = (await app
      .bus()
      .execute(new FinishConnectCommand(completed, app.contextOf(completed)))) as ConnectionView[];
  });

  const copy = (accountId: string, workspaceId: string) => {
    const completed = completedOAuth({
      platform: 'x',
      workspaceId,
      intent: { kind: 'copy', sourceWorkspaceId: 'ws-copy-from', sourceConnectionId: source.id },
      identities: [account(accountId)],
    });
    const from = { workspaceId: 'ws-copy-from', connectionId: source.id };
    return {
      completed,
      result: app
        .bus()
        .execute<CompleteCopyCommand, ConnectionView>(
          new CompleteCopyCommand(completed, from, app.contextOf(completed)),
        ),
    };
  };

  it('connects the same account in the target, with its own tokens and where it came from', async () => {
    const { completed, result } = copy('7201', 'ws-copy-to');
    const connection = await result;
    expect(connection).toMatchObject({
      workspaceId: 'ws-copy-to',
      accountId: '7201',
      copiedFrom: { workspaceId: 'ws-copy-from', connectionId: source.id },
    });
    const tokens = await app
      .vault()
      .read({ workspaceId: 'ws-copy-to', connectionId: connection.id });
    expect(tokens?.accessToken).toBe(completed.tokens.accessToken);
  });

  it('refuses a sign-in without the account being copied', async () => {
    expect(await refusalOf(copy('7299', 'ws-copy-wrong').result)).toMatchObject({
      code: 'COPY_ACCOUNT_MISMATCH',
    });
  });
});
