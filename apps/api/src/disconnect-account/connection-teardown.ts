import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountClaims, WorkspaceCommands, type CommandContext } from '@ledger/commands';
import type { ConnectionDisconnected, Platform } from '@ledger/domain';
import {
  ConfiguredPlatforms,
  type RevocableTokens,
  type RevocationStatus,
  type TokenRevoker,
} from '@ledger/platforms';
import type { TokenVault } from '@ledger/token-vault';
import { TOKEN_VAULT } from '@ledger/runtime';

/** What revoking a connection's tokens at its platform came to; never a token value. */
export interface Revocation {
  status: RevocationStatus;
  detail: string | null;
}

/** One connection torn down after its ConnectionDisconnected was recorded. */
export interface TornDown {
  connectionId: string;
  platform: string;
  revocation: Revocation;
  /** True when the vault held a record for it (now destroyed). */
  tokensDestroyed: boolean;
}

/**
 * What follows a recorded disconnect, the same for a user's disconnect, its cascades (Threads
 * with its Instagram) and breach response: revoke the tokens at the platform where it offers
 * that, shred them in the vault, release the account claim. Revocation comes first because it
 * needs the stored token; whatever it answers (or throws), the tokens are shredded and the claim
 * released, and the outcome is reported. Run again (a retried DELETE), it finds what is left.
 */
@Injectable()
export class ConnectionTeardown {
  private readonly logger = new Logger(ConnectionTeardown.name);

  constructor(
    private readonly claims: AccountClaims,
    private readonly workspaces: WorkspaceCommands,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    private readonly platforms: ConfiguredPlatforms,
  ) {}

  /** Tears down each disconnected connection in turn; one's failure does not stop the next. */
  async tearDownAll(
    workspaceId: string,
    gone: ConnectionDisconnected[],
    context: CommandContext,
  ): Promise<TornDown[]> {
    const done: TornDown[] = [];
    for (const { data } of gone) done.push(await this.tearDown(workspaceId, data, context));
    return done;
  }

  async tearDown(
    workspaceId: string,
    gone: Pick<ConnectionDisconnected['data'], 'connectionId' | 'platform' | 'accountId'>,
    context: CommandContext,
  ): Promise<TornDown> {
    const ref = { workspaceId, connectionId: gone.connectionId };
    let revocation: Revocation;
    try {
      revocation =
        (await this.grantStillUsed(workspaceId, gone)) ?? (await this.revoke(gone.platform, ref));
    } catch (error) {
      // Revokers answer failures as results; anything else must not keep the tokens alive.
      revocation = { status: 'failed', detail: `revocation stopped (${errorName(error)})` };
    }
    const tokensDestroyed = await this.vault.destroy(ref);
    await this.claims.release(
      { ...ref, platform: gone.platform, accountId: gone.accountId },
      context,
    );
    if (revocation.status === 'failed') {
      this.logger.warn(
        `tokens of ${gone.platform} connection ${gone.connectionId} in workspace ${workspaceId} shredded but not revoked at the platform: ${revocation.detail}`,
      );
    }
    return {
      connectionId: gone.connectionId,
      platform: gone.platform,
      revocation,
      tokensDestroyed,
    };
  }

  /**
   * Facebook and TikTok revoke the user's whole authorization of the app, not one token: asking
   * them would also cut a live connection that came from the same authorization (another Page
   * of the same user here, a copy of the account in another workspace). Then the tokens are
   * only shredded here, and the report says why.
   */
  private async grantStillUsed(
    workspaceId: string,
    gone: Pick<ConnectionDisconnected['data'], 'connectionId' | 'platform' | 'accountId'>,
  ): Promise<Revocation | null> {
    if (!this.platforms.get(gone.platform).revokesWholeGrant) return null;
    const users: string[] = [];
    if (gone.platform === 'facebook') {
      const { state } = await this.workspaces.load(workspaceId);
      const pages = Object.values(state.connections).filter(
        (c) => c.platform === 'facebook' && c.id !== gone.connectionId,
      );
      if (pages.length > 0) users.push(`${pages.length} other Facebook connection(s) here`);
    }
    const copies = await this.claims.liveHoldersElsewhere({ workspaceId, ...gone });
    if (copies.length > 0) users.push(`its copies in ${copies.length} other workspace(s)`);
    if (users.length === 0) return null;
    return {
      status: 'shared_grant',
      detail: `not revoked at ${gone.platform}, which would end the whole authorization that ${users.join(' and ')} still use; the tokens are shredded here`,
    };
  }

  private async revoke(
    platform: Platform,
    ref: { workspaceId: string; connectionId: string },
  ): Promise<Revocation> {
    const { revoker } = this.platforms.get(platform);
    // A platform without revocation says so whatever is held.
    if (revoker.offered === false) return outcome(revoker, { accessToken: '', refreshToken: null });
    let held: RevocableTokens | null;
    try {
      const tokens = await this.vault.read(ref);
      held = tokens && { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    } catch (error) {
      // Unknown key id or a tampered record: nothing to send to the platform, still shredded.
      return {
        status: 'failed',
        detail: `the stored tokens could not be opened (${errorName(error)}): revoke the app's access at the platform`,
      };
    }
    if (!held) return { status: 'no_tokens', detail: 'no tokens were held for this connection' };
    return outcome(revoker, held);
  }
}

async function outcome(revoker: TokenRevoker, tokens: RevocableTokens): Promise<Revocation> {
  const { status, detail } = await revoker.revoke(tokens);
  return { status, detail };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
