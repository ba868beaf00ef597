import { randomUUID } from 'node:crypto';
import {
  accountClaimStream,
  DomainError,
  evolveAccountClaim,
  initialAccountClaimState,
  isWorkspaceEvent,
  workspaceStream,
  type AccountClaimEvent,
  type AccountClaimState,
  type ConnectAccount,
  type Platform,
  type WorkspaceEvent,
} from '@ledger/domain';
import type { EventStore, RecordedEvent, StreamEvent, UntypedEvent } from '@ledger/event-store';
import { AccountClaims } from '../account-claims';
import type { Clock } from '../clock';
import type { CommandContext } from '../command-context';
import { connectionIdFor, WorkspaceCommands } from '../workspace-commands';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2030-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/** One API process: its own command services (and caches) over its own store client. */
export interface Node {
  workspaces: WorkspaceCommands;
  claims: AccountClaims;
}

export function nodeOn(store: EventStore, clock: Clock): Node {
  const workspaces = new WorkspaceCommands(store);
  return { workspaces, claims: new AccountClaims(store, workspaces, clock) };
}

/** A fresh command context, as an HTTP request without Idempotency-Key gets. */
export function contextFor(userId = 'user-1', commandId: string = randomUUID()): CommandContext {
  return {
    commandId,
    actor: { userId, role: 'admin', ip: '127.0.0.1', userAgent: 'jest' },
    correlationId: commandId,
    causationId: null,
  };
}

/** Ids unique to one test, so tests can share an EventStoreDB. */
export function uniqueId(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`;
}

/** A ConnectAccount whose connection id derives from the command id, as the API's does. */
export function connectCommand(
  workspaceId: string,
  platform: Platform,
  accountId: string,
  context: CommandContext,
  now: Date,
): ConnectAccount {
  return {
    type: 'ConnectAccount',
    workspaceId,
    connectionId: connectionIdFor(context.commandId, platform, accountId),
    platform,
    account: { accountId, accountName: `Account ${accountId}`, accountType: 'business' },
    scopes: ['publish'],
    tokenExpiresAt: null,
    copiedFrom: null,
    now: now.toISOString(),
  };
}

export async function readStream<E extends StreamEvent = UntypedEvent>(
  store: EventStore,
  stream: string,
): Promise<RecordedEvent<E>[]> {
  const events: RecordedEvent<E>[] = [];
  for await (const event of store.readStream<E>(stream)) events.push(event);
  return events;
}

/** The workspace's events as the domain types them, oldest first. */
export async function workspaceEvents(
  store: EventStore,
  workspaceId: string,
): Promise<WorkspaceEvent[]> {
  return (await readStream<WorkspaceEvent>(store, workspaceStream(workspaceId)))
    .filter(isWorkspaceEvent)
    .map((e) => ({ type: e.type, data: e.data }) as WorkspaceEvent);
}

export async function claimState(
  store: EventStore,
  platform: Platform,
  accountId: string,
): Promise<AccountClaimState> {
  let state = initialAccountClaimState;
  const stream = accountClaimStream(platform, accountId);
  for (const event of await readStream<AccountClaimEvent>(store, stream)) {
    state = evolveAccountClaim(state, event);
  }
  return state;
}

/** The code of each refusal; 'ok' for each success; the error's name for anything else. */
export function outcomes<T>(settled: PromiseSettledResult<T>[]): string[] {
  return settled.map((s) => {
    if (s.status === 'fulfilled') return 'ok';
    const reason: unknown = s.reason;
    if (reason instanceof DomainError) return reason.code;
    return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  });
}

/** How many times each outcome occurred, e.g. `{ ok: 1, PLAN_LIMIT_REACHED: 9 }`. */
export function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
