import {
  accountClaimStream,
  claimAccount,
  entryOf,
  evolveAccountClaim,
  holdersOf,
  initialAccountClaimState,
  otherHolders,
  releaseAccount,
  type AccountClaimEvent,
  type AccountClaimState,
  type AccountHolder,
  type Platform,
} from '@ledger/domain';
import { deterministicEventId, type EventStore } from '@ledger/event-store';
import type { Clock } from './clock';
import { handleCommand, readStreamState, type Evolver, type StreamState } from './command-handler';
import type { CommandContext } from './command-context';
import { metadataFor, type WorkspaceCommands } from './workspace-commands';

export interface AccountRef {
  platform: Platform;
  accountId: string;
  workspaceId: string;
  connectionId: string;
}

const claimEvolver: Evolver<AccountClaimState, AccountClaimEvent> = {
  initialState: initialAccountClaimState,
  evolve: evolveAccountClaim,
};

/**
 * Claims and releases platform accounts across workspaces (docs/decisions/0002). Claiming
 * first serialises two workspaces racing for one account: the loser is refused with
 * ALREADY_CONNECTED_ELSEWHERE.
 */
export class AccountClaims {
  constructor(
    private readonly store: EventStore,
    private readonly workspaces: WorkspaceCommands,
    private readonly clock: Clock,
  ) {}

  async claim(ref: AccountRef, via: 'oauth' | 'copy', context: CommandContext): Promise<void> {
    await this.run(ref, context, 'claim', async (state) => {
      const holdersWithoutConnection = await this.holdersWithoutConnection(holdersOf(state));
      return claimAccount(
        { type: 'ClaimAccount', ...ref, via, holdersWithoutConnection, now: this.now() },
        state,
      );
    });
  }

  async release(ref: AccountRef, context: CommandContext): Promise<void> {
    await this.run(ref, context, 'release', async (state) =>
      releaseAccount({ type: 'ReleaseAccount', ...ref, now: this.now() }, state),
    );
  }

  /**
   * The other workspaces whose connection of this account is live (copies): what a revocation
   * that ends the whole authorization at the platform would cut too.
   */
  async liveHoldersElsewhere(ref: AccountRef): Promise<AccountHolder[]> {
    const { state } = await this.load(accountClaimStream(ref.platform, ref.accountId));
    const others = otherHolders(state, ref.workspaceId);
    const absent = new Set((await this.holdersWithoutConnection(others)).map((h) => h.workspaceId));
    return others.filter((holder) => !absent.has(holder.workspaceId));
  }

  private async run(
    ref: AccountRef,
    context: CommandContext,
    purpose: string,
    decideOn: (state: AccountClaimState) => Promise<AccountClaimEvent[]>,
  ): Promise<void> {
    const stream = accountClaimStream(ref.platform, ref.accountId);
    await handleCommand(this.store, stream, decideOn, claimEvolver, {
      toAppend: (events, revision) =>
        events.map((event, index) => ({
          ...event,
          // The revision is part of the key: a request retried with the same command id
          // after its claim was released (a refusal) must claim again, not be taken for a
          // retry of the first claim. Concurrent duplicates load the same revision, so the
          // store still recognises them.
          id: deterministicEventId(
            `${context.commandId}:${purpose}:${String(revision)}`,
            stream,
            index,
          ),
          metadata: metadataFor(context),
        })),
    });
  }

  private load(stream: string): Promise<StreamState<AccountClaimState>> {
    return readStreamState(this.store, stream, claimEvolver);
  }

  private async holdersWithoutConnection(holders: AccountHolder[]): Promise<AccountHolder[]> {
    const absent: AccountHolder[] = [];
    for (const holder of holders) {
      const { state } = await this.workspaces.load(holder.workspaceId);
      if (!entryOf(state.connections, holder.connectionId)) absent.push(holder);
    }
    return absent;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
