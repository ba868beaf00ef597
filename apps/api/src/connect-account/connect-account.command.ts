import type { CommandContext } from '@ledger/commands';
import type { CopiedFrom, LinkedAccount, Platform, PlatformAccount } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';

/** Connect (or, with reconnectConnectionId, reconnect) an account that completed OAuth. */
export class ConnectAccountCommand {
  constructor(
    readonly workspaceId: string,
    readonly platform: Platform,
    readonly account: PlatformAccount,
    readonly tokens: ConnectionTokens,
    readonly context: CommandContext,
    readonly options: {
      reconnectConnectionId?: string;
      copiedFrom?: CopiedFrom;
      linkedAccount?: LinkedAccount | null;
    } = {},
  ) {}
}

export interface ConnectAccountResult {
  connectionId: string;
  position: string | null;
}
