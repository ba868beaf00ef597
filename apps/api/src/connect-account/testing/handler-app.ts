import { CommandBus } from '@nestjs/cqrs';
import type { TokenVault } from '@ledger/token-vault';
import { startLedgerApp, type LedgerTestApp } from '@ledger/testing/ledger-app';
import { OfferedSelectionQuery } from '../../choose-accounts/offered-selection';
import { RecordWorkspaceCommand } from '../../command-context/record-workspace-command';
import { TOKEN_VAULT } from '@ledger/runtime';
import { contextOf } from '../complete-oauth.handler';
import { completedOAuth } from './completed-oauth';

/**
 * The real API on SQLite files (no HTTP in between): handlers are driven over its command bus,
 * with the stores, vault and read models a request would use.
 */
export function handlerApp() {
  let ledger: LedgerTestApp;
  beforeAll(async () => {
    ledger = await startLedgerApp();
  });
  afterAll(() => ledger.close());
  const bus = () => ledger.app.get(CommandBus);
  return {
    ledger: () => ledger,
    bus,
    vault: () => ledger.app.get<TokenVault>(TOKEN_VAULT),
    offers: () => ledger.app.get(OfferedSelectionQuery),
    /** A context as the callback of `completed` would run its commands with. */
    contextOf: (completed: ReturnType<typeof completedOAuth>) => contextOf(completed, undefined),
    changePlan: (workspaceId: string, plan: 'starter' | 'enterprise') =>
      bus().execute(
        new RecordWorkspaceCommand(
          { type: 'ChangePlan', workspaceId, plan },
          contextOf(completedOAuth({ platform: 'x', workspaceId, identities: [] }), undefined),
        ),
      ),
  };
}

/** The refusal a promise ends with (fails the test when it resolves). */
export async function refusalOf(promise: Promise<unknown>): Promise<object> {
  try {
    await promise;
  } catch (error) {
    return error as object;
  }
  throw new Error('expected a refusal');
}
