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
} from '@ledger/event-store';
import {
  appendDecided,
  handleCommand,
  readStreamState,
  type Evolver,
  type Handled,
  type HandleOptions,
  type StreamState,
} from './command-handler';
import type { CommandContext } from './command-context';

export interface WorkspaceCommandResult {
  events: WorkspaceEvent[];
  state: WorkspaceState;
  /** Global position of the last appended event; null when the command changed nothing. */
  position: string | null;
}

const CACHE_LIMIT = 10_000;

/** The workspace stream's fold; a malformed event is skipped as every feed consumer parks it. */
const workspaceEvolver: Evolver<WorkspaceState, WorkspaceEvent> = {
  initialState: initialWorkspaceState,
  evolve,
  accepts: (recorded) => isWorkspaceEvent(recorded) && malformedEventReason(recorded) === null,
};

/**
 * Runs a workspace command through the command handler (command-handler.ts): load the
 * workspace stream, decide, append with the expected revision, decide again on a conflict.
 * States are cached per workspace; a stale cache entry shows up as a conflict and is reloaded.
 */
export class WorkspaceCommands {
  private readonly cache = new Map<string, { state: WorkspaceState; revision: number }>();

  constructor(private readonly store: EventStore) {}

  async load(workspaceId: string): Promise<StreamState<WorkspaceState>> {
    const stream = workspaceStream(workspaceId);
    const loaded = await readStreamState(
      this.store,
      stream,
      workspaceEvolver,
      this.cache.get(stream),
    );
    if (loaded.revision !== 'no_stream') this.remember(stream, loaded.state, loaded.revision);
    return loaded;
  }

  async execute(
    command: WorkspaceCommand,
    context: CommandContext,
  ): Promise<WorkspaceCommandResult> {
    const stream = workspaceStream(command.workspaceId);
    const options = {
      toAppend: (events: WorkspaceEvent[]) =>
        toAppend(events, idempotencyKeyOf(command, context), stream, context),
      load: () => this.load(command.workspaceId),
      // A client that sent If-Match gets the refusal from decide() on the fresh state.
      onConflict: () => this.cache.delete(stream),
    };
    const decideHere = (state: WorkspaceState) => refuseMalformed(stream, decide(command, state));
    // First try on the cached state without reading the stream: the expected revision makes
    // a stale cache a conflict, never a wrong write. Only an append is trusted this way; a
    // refusal or a no-op is decided again on the stream as it is (the cache may be behind).
    const cached = this.cache.get(stream);
    const handled =
      (cached && (await this.tryCached(stream, decideHere, cached, options))) ||
      (await handleCommand(this.store, stream, decideHere, workspaceEvolver, options));
    if (handled.position !== null && handled.revision !== 'no_stream') {
      this.remember(stream, handled.state, handled.revision);
    }
    return { events: handled.events, state: handled.state, position: handled.position };
  }

  /** The cached attempt: a result when it appended, null when the full path must decide. */
  private async tryCached(
    stream: string,
    decideHere: (state: WorkspaceState) => WorkspaceEvent[],
    cached: StreamState<WorkspaceState>,
    options: HandleOptions<WorkspaceState, WorkspaceEvent>,
  ): Promise<Handled<WorkspaceState, WorkspaceEvent> | null> {
    let events: WorkspaceEvent[];
    try {
      events = decideHere(cached.state);
    } catch {
      return null;
    }
    if (events.length === 0) return null;
    try {
      return await appendDecided(this.store, stream, events, workspaceEvolver, cached, options);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      this.cache.delete(stream);
      return null;
    }
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
function refuseMalformed(stream: string, events: WorkspaceEvent[]): WorkspaceEvent[] {
  for (const [revision, event] of events.entries()) {
    const reason = malformedEventReason({ streamId: stream, revision, ...event });
    if (reason !== null) throw new Error(`Refusing to append a malformed ${event.type}: ${reason}`);
  }
  return events;
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
): EventToAppend<WorkspaceEvent>[] {
  const firstId = deterministicEventId(commandKey, stream, 0);
  return events.map((event, index) => ({
    ...event,
    id: deterministicEventId(commandKey, stream, index),
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
