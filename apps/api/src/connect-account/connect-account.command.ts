import type { CommandContext } from '@ledger/commands';
import type { CopiedFrom, LinkedAccount, Platform, PlatformAccount } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';

/**
 * Connect one account whose tokens are in hand: the step every way of connecting ends in (the
 * callback, a chosen account of a selection, a copy). Answers the connection as it reads now.
 */
export class ConnectAccountCommand {
  constructor(
    readonly workspaceId: string,
    readonly platform: Platform,
    readonly account: PlatformAccount,
    readonly tokens: ConnectionTokens,
    readonly context: CommandContext,
    readonly options: { copiedFrom?: CopiedFrom; linkedAccount?: LinkedAccount | null } = {},
  ) {}
}
