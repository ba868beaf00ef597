import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
  type StreamEvent,
} from '@ledger/event-store';

/**
 * How a stream's events fold into the state a command is decided on (emmett's
 * `{ initialState, evolve }`). `accepts` skips events the fold must not see (a malformed
 * event, parked by every feed reader too).
 */
export interface Evolver<State, E extends StreamEvent> {
  initialState: State;
  evolve(state: State, event: E): State;
  accepts?(event: RecordedEvent<E>): boolean;
}

/** A stream's state and the revision it was folded up to: the expected revision of an append. */
export interface StreamState<State> {
  state: State;
  revision: number | 'no_stream';
}

export interface Handled<State, E> {
  /** What the command appended; empty when it changed nothing. */
  events: E[];
  state: State;
  revision: number | 'no_stream';
  /** Global position of the last appended event; null when nothing was appended. */
  position: string | null;
}

export interface HandleOptions<State, E extends StreamEvent> {
  /** The events as stored: their deterministic ids and metadata, for the revision decided on. */
  toAppend(events: E[], revision: ExpectedRevision): EventToAppend<E>[];
  /** Reads the stream's state; by default from the first event (a cache starts further on). */
  load?(): Promise<StreamState<State>>;
  /** Called on each conflict before deciding again (a cache drops its stale entry). */
  onConflict?(): void;
}

const MAX_ATTEMPTS = 20;

/**
 * Folds a stream from `from` (a cached state and the revision it reached) or from the start.
 */
export async function readStreamState<State, E extends StreamEvent>(
  store: EventStore,
  stream: string,
  evolver: Evolver<State, E>,
  from?: { state: State; revision: number },
): Promise<StreamState<State>> {
  let state = from?.state ?? evolver.initialState;
  let revision: number | 'no_stream' = from?.revision ?? 'no_stream';
  const fromRevision = from ? from.revision + 1 : 0;
  for await (const recorded of store.readStream<E>(stream, { fromRevision })) {
    if (evolver.accepts?.(recorded) ?? true) state = evolver.evolve(state, recorded);
    revision = recorded.revision;
  }
  return { state, revision };
}

/**
 * Runs one command on one stream: load, decide, append with the expected revision. On a
 * conflict (another command appended first) it decides again on the stream as it is now, so
 * a racing loser meets the rule it broke rather than a bare conflict. The events it already
 * folded do not change, so it reads only those appended since (not the whole stream again).
 */
export async function handleCommand<State, E extends StreamEvent>(
  store: EventStore,
  stream: string,
  decide: (state: State) => E[] | Promise<E[]>,
  evolver: Evolver<State, E>,
  options: HandleOptions<State, E>,
): Promise<Handled<State, E>> {
  let loaded = await (options.load?.() ?? readStreamState(store, stream, evolver));
  for (let attempt = 1; ; attempt++) {
    const events = await decide(loaded.state);
    if (events.length === 0) return { events, ...loaded, position: null };
    try {
      return await appendDecided(store, stream, events, evolver, loaded, options);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      options.onConflict?.();
      const { state, revision } = loaded;
      loaded = await readStreamState(
        store,
        stream,
        evolver,
        revision === 'no_stream' ? undefined : { state, revision },
      );
    }
  }
}

/** Appends events decided on `decidedOn`; a WrongExpectedRevisionError when it is stale. */
export async function appendDecided<State, E extends StreamEvent>(
  store: EventStore,
  stream: string,
  events: E[],
  evolver: Evolver<State, E>,
  decidedOn: StreamState<State>,
  options: Pick<HandleOptions<State, E>, 'toAppend'>,
): Promise<Handled<State, E>> {
  const result = await store.append<E>(
    stream,
    options.toAppend(events, decidedOn.revision),
    decidedOn.revision,
  );
  return {
    events,
    state: events.reduce((state, event) => evolver.evolve(state, event), decidedOn.state),
    revision: result.nextExpectedRevision,
    position: result.position,
  };
}
