import {
  decide,
  evolve,
  initialWorkspaceState,
  isWorkspaceEvent,
  malformedEventReason,
  workspaceStream,
  type WorkspaceCommand,
  type WorkspaceEvent,
  type WorkspaceState,
} from '@ledger/domain';
import {
  deterministicEventId,
  nameBasedUuid,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventToAppend,
  type EventStore,
  type ExpectedRevision,
} from '@ledger/event-store';
import type { CommandContext } from './command-context';

export interface WorkspaceCommandResult {
  events: WorkspaceEvent[];
  state: WorkspaceState;
  /** Global position of the last appended event; null when the command changed nothing. */
  position: string | null;
}

interface LoadedWorkspace {
  state: WorkspaceState;
  revision: ExpectedRevision;
}

const MAX_ATTEMPTS = 20;
const CACHE_LIMIT = 10_000;

/**
 * Runs a workspace command: load the workspace stream, decide, append with the expected
 * revision. On a conflict (another command appended first) it reloads and decides again, so a
 * racing loser meets the rule it broke (plan limit, main account) rather than a bare conflict.
 * States are cached per workspace; a stale cache entry shows up as a conflict and is reloaded.
 */
export class WorkspaceCommands {
  private readonly cache = new Map<string, { state: WorkspaceState; revision: number }>();

  constructor(private readonly store: EventStore) {}

  async load(workspaceId: string): Promise<LoadedWorkspace> {
    const stream = workspaceStream(workspaceId);
    const cached = this.cache.get(stream);
    let state = cached?.state ?? initialWorkspaceState;
    let revision: number | null = cached?.revision ?? null;
    const from = revision === null ? 0 : revision + 1;
    for await (const recorded of this.store.readStream(stream, { fromRevision: from })) {
      // A malformed event is skipped here as every feed consumer parks it (feed-event.ts).
      if (isWorkspaceEvent(recorded) && malformedEventReason(recorded) === null) {
        state = evolve(state, recorded as unknown as WorkspaceEvent);
      }
      revision = recorded.revision;
    }
    if (revision !== null) this.remember(stream, state, revision);
    return { state, revision: revision === null ? 'no_stream' : revision };
  }

  async execute(
    command: WorkspaceCommand,
    context: CommandContext,
  ): Promise<WorkspaceCommandResult> {
    const stream = workspaceStream(command.workspaceId);
    // First try on the cached state without reading the stream: the expected revision makes
    // a stale cache a conflict, never a wrong write. Only an append is trusted this way; a
    // refusal or a no-op is decided again on the stream as it is (the cache may be behind).
    const cached = this.cache.get(stream);
    if (cached) {
      const outcome = await this.tryAppend(command, context, cached.state, cached.revision);
      if (outcome) return outcome;
    }
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(command.workspaceId);
      const events = decide(command, state);
      if (events.length === 0) return { events, state, position: null };
      try {
        return await this.append(stream, command, context, state, revision, events);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        this.cache.delete(stream);
        // A client that sent If-Match gets the refusal from decide() on the fresh state.
      }
    }
  }

  /** The cached attempt: a result when it appended, null when the full path must decide. */
  private async tryAppend(
    command: WorkspaceCommand,
    context: CommandContext,
    state: WorkspaceState,
    revision: number,
  ): Promise<WorkspaceCommandResult | null> {
    let events: WorkspaceEvent[];
    try {
      events = decide(command, state);
    } catch {
      return null;
    }
    if (events.length === 0) return null;
    const stream = workspaceStream(command.workspaceId);
    try {
      return await this.append(stream, command, context, state, revision, events);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      this.cache.delete(stream);
      return null;
    }
  }

  private async append(
    stream: string,
    command: WorkspaceCommand,
    context: CommandContext,
    state: WorkspaceState,
    revision: ExpectedRevision,
    events: WorkspaceEvent[],
  ): Promise<WorkspaceCommandResult> {
    refuseMalformed(stream, events);
    const result = await this.store.append(
      stream,
      toAppend(events, idempotencyKeyOf(command, context), stream, context),
      revision,
    );
    const next = events.reduce(evolve, state);
    this.remember(stream, next, result.nextExpectedRevision);
    return { events, state: next, position: result.position };
  }

  private remember(stream: string, state: WorkspaceState, revision: number): void {
    if (this.cache.size >= CACHE_LIMIT && !this.cache.has(stream)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(stream, { state, revision });
  }
}

/**
 * An event without its ids would stay in the stream for ever and be parked by every reader:
 * a decider bug answers an error instead, and nothing is appended.
 */
function refuseMalformed(stream: string, events: WorkspaceEvent[]): void {
  for (const [revision, event] of events.entries()) {
    const reason = malformedEventReason({ streamId: stream, revision, ...event });
    if (reason !== null) throw new Error(`Refusing to append a malformed ${event.type}: ${reason}`);
  }
}

/**
 * What a retried command must repeat to be recognised as a retry: the command id AND what the
 * command is about. One request may run several commands under one command id (an OAuth
 * callback connecting several accounts): keyed by the command id alone, the second connect
 * would reuse the first one's event ids and the store would take it for a retry of the first,
 * silently dropping it.
 */
function idempotencyKeyOf(command: WorkspaceCommand, context: CommandContext): string {
  const subject = subjectOf(command);
  return `${context.commandId}\u0000${command.type}\u0000${subject}`;
}

function subjectOf(command: WorkspaceCommand): string {
  switch (command.type) {
    case 'ChangePlan':
      return command.plan;
    case 'CreateCampaign':
      return command.campaignId;
    case 'SchedulePost':
    case 'RecordPostPublished':
    case 'FailPost':
      return command.postId;
    default:
      return command.connectionId;
  }
}

/**
 * The first event of a command is caused by what caused the command; the ones after it follow
 * from the first (the main account set by a connect, a Threads disconnected with its Instagram).
 */
function toAppend(
  events: WorkspaceEvent[],
  commandKey: string,
  stream: string,
  context: CommandContext,
): EventToAppend[] {
  const firstId = deterministicEventId(commandKey, stream, 0);
  return events.map((event, index) => ({
    id: deterministicEventId(commandKey, stream, index),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata:
      index === 0 ? metadataFor(context) : metadataFor({ ...context, causationId: firstId }),
  }));
}

export function metadataFor(context: CommandContext): EventMetadata {
  return {
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    schemaVersion: 1,
  };
}

/** A connection id that a retried command derives again, so a retry connects nothing twice. */
export function connectionIdFor(commandId: string, platform: string, accountId: string): string {
  return nameBasedUuid(`connection\u0000${commandId}\u0000${platform}\u0000${accountId}`);
}
