import {
  accountClaimStream,
  claimAccount,
  evolveAccountClaim,
  initialAccountClaimState,
  otherHolders,
  releaseAccount,
  type AccountClaimEvent,
  type AccountClaimState,
  type AccountHolder,
  type Platform,
} from '@ledger/domain';
import {
  deterministicEventId,
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
} from '@ledger/event-store';
import type { Clock } from './clock';
import type { CommandContext } from './command-context';
import { metadataFor, type WorkspaceCommands } from './workspace-commands';

export interface AccountRef {
  platform: Platform;
  accountId: string;
  workspaceId: string;
  connectionId: string;
}

const MAX_ATTEMPTS = 20;

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
      const holdersWithoutConnection = await this.holdersWithoutConnection(
        otherHolders(state, ref.workspaceId),
      );
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

  private async run(
    ref: AccountRef,
    context: CommandContext,
    purpose: string,
    decideOn: (state: AccountClaimState) => Promise<AccountClaimEvent[]>,
  ): Promise<void> {
    const stream = accountClaimStream(ref.platform, ref.accountId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(stream);
      const events = await decideOn(state);
      if (events.length === 0) return;
      try {
        await this.store.append(
          stream,
          events.map((event, index) => ({
            id: deterministicEventId(`${context.commandId}:${purpose}`, stream, index),
            type: event.type,
            data: event.data as unknown as Record<string, unknown>,
            metadata: metadataFor(context),
          })),
          revision,
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async load(
    stream: string,
  ): Promise<{ state: AccountClaimState; revision: ExpectedRevision }> {
    let state = initialAccountClaimState;
    let revision: ExpectedRevision = 'no_stream';
    for await (const recorded of this.store.readStream(stream)) {
      state = evolveAccountClaim(state, recorded as unknown as AccountClaimEvent);
      revision = recorded.revision;
    }
    return { state, revision };
  }

  private async holdersWithoutConnection(holders: AccountHolder[]): Promise<AccountHolder[]> {
    const absent: AccountHolder[] = [];
    for (const holder of holders) {
      const { state } = await this.workspaces.load(holder.workspaceId);
      if (!state.connections[holder.connectionId]) absent.push(holder);
    }
    return absent;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
