import type { CommandContext } from '@ledger/commands';
import type { Revocation } from './connection-teardown';

export class DisconnectAccountCommand {
  constructor(
    readonly workspaceId: string,
    readonly connectionId: string,
    readonly expectedVersion: number | null,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}

/** What a disconnect affected, as the API answers it. */
export interface DisconnectReport {
  connectionId: string;
  platform: string;
  accountName: string;
  disconnectedAt: string;
  wasMain: boolean;
  /**
   * True when the vault held this connection's tokens and this disconnect destroyed them; false
   * when none were held any more (shredded before). Either way none are left.
   */
  tokensDestroyed: boolean;
  /** Whether the platform revoked the tokens (they are shredded here whatever it answered). */
  revocation: Revocation;
  /** Pending posts of the connection (and of what left with it), failed at once. */
  scheduledPostsFailed: number;
  campaignsFlagged: number;
  /** Connections that existed only through this one (Threads through its Instagram). */
  alsoDisconnected: {
    connectionId: string;
    platform: string;
    reason: string;
    revocation: Revocation;
  }[];
}
