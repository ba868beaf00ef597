import type { CommandContext } from '@ledger/commands';
import type { CopiedFrom, Platform, PlatformAccount } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';

/** Connect (or, with reconnectConnectionId, reconnect) an account that completed OAuth. */
export class ConnectAccountCommand {
  constructor(
    readonly workspaceId: string,
    readonly platform: Platform,
    readonly account: PlatformAccount,
    readonly tokens: ConnectionTokens,
    readonly context: CommandContext,
    readonly options: { reconnectConnectionId?: string; copiedFrom?: CopiedFrom } = {},
  ) {}
}

export interface ConnectAccountResult {
  connectionId: string;
  position: string | null;
}
