import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  accountClaimStream,
  decide,
  DomainError,
  evolve,
  evolveAccountClaim,
  initialAccountClaimState,
  initialWorkspaceState,
  isWorkspaceEvent,
  type AccountClaimEvent,
  type AccountClaimState,
  type Platform,
  type WorkspaceCommand,
  type WorkspaceEvent,
  type WorkspaceState,
} from '@ledger/domain';
import type {
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamEvent,
  UntypedEvent,
  Subscription,
} from '@ledger/event-store';
import { SQL, toRecordedEvent, type EventValues } from '@ledger/event-store/sqlite/schema';
import { ProjectionRunner, SqliteWorkspaceReadModel } from '@ledger/read-models';
import { AuditProjection, SqliteAuditStore } from '@ledger/read-models/audit';
import { DuePostsProjection, SqliteDuePostsStore } from '@ledger/read-models/due-posts';
import type { SentCommand } from './crash-load';

/** Every event in DATA_DIR/events.db, in the global order, read through a read-only handle. */
export function readEvents(dataDir: string): RecordedEvent[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    // The store's own page query and row mapping, from the first position, one big page.
    const rows = db.prepare(SQL.readAll).raw(true).all(0, Number.MAX_SAFE_INTEGER) as EventValues[];
    return rows.map(toRecordedEvent);
  } finally {
    db.close();
  }
}

/** Rows of one query on a SQLite file of the service, through a read-only handle. */
export function rowsOf(file: string, sql: string): unknown[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** A projection's checkpoint in one of the service's read-model files (null: none yet). */
export function checkpointIn(file: string, table: string, projection: string): number | null {
  const rows = rowsOf(file, `SELECT position FROM ${table} WHERE projection = '${projection}'`);
  const row = rows[0] as { position: string } | undefined;
  return row ? Number(row.position) : null;
}

/**
 * The events as they stood at one moment, behind the EventStore port's read side, so that the
 * service's own projection code can rebuild read models from them and its own query code can
 * fold campaigns and posts from them.
 */
export class SnapshotEventStore implements EventStore {
  constructor(readonly events: RecordedEvent[]) {}

  get head(): number {
    return this.events.length === 0 ? 0 : Number(this.events[this.events.length - 1].position);
  }

  append(): never {
    throw new Error('a snapshot is read-only');
  }

  readStream<E extends StreamEvent = UntypedEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): AsyncIterable<RecordedEvent<E>>;
  async *readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const from = options.fromRevision ?? 0;
    const stream = this.events.filter((e) => e.streamId === streamId && e.revision >= from);
    yield* stream.slice(0, options.maxCount ?? stream.length);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const after = options.after ? Number(options.after) : 0;
    return this.events.filter((e) => Number(e.position) > after).slice(0, options.maxCount);
  }

  subscribeToAll(): Subscription {
    throw new Error('a snapshot has no live feed');
  }

  async close(): Promise<void> {}
}

/** Read models rebuilt from scratch from a snapshot, by the service's own projections. */
export interface RebuiltReadModels {
  connections: SqliteWorkspaceReadModel;
  audit: SqliteAuditStore;
  duePosts: SqliteDuePostsStore;
  files: { connections: string; audit: string; duePosts: string };
  close(): Promise<void>;
}

export async function rebuildReadModels(
  snapshot: SnapshotEventStore,
  dir: string,
): Promise<RebuiltReadModels> {
  const files = {
    connections: join(dir, 'read-models.sqlite'),
    audit: join(dir, 'audit.sqlite'),
    duePosts: join(dir, 'due-posts.sqlite'),
  };
  const connections = SqliteWorkspaceReadModel.open({ sqlitePath: files.connections });
  await new ProjectionRunner(snapshot, connections, { projection: 'connections' }).rebuild();
  const audit = SqliteAuditStore.open({ sqlitePath: files.audit });
  await new AuditProjection(snapshot, audit).rebuild();
  const duePosts = SqliteDuePostsStore.open({ sqlitePath: files.duePosts });
  await new DuePostsProjection(snapshot, duePosts).rebuild();
  return {
    connections,
    audit,
    duePosts,
    files,
    async close() {
      await connections.close();
      await audit.close();
      await duePosts.close();
    },
  };
}

const label = (event: RecordedEvent): string => event.metadata?.correlationId ?? '';
const isWorkspaceStream = (streamId: string) => streamId.startsWith('workspace-');

/** One command's events in one workspace stream, with the state the decider saw before them. */
interface Append {
  streamId: string;
  events: RecordedEvent[];
  before: WorkspaceState;
}

/** The events indexed the ways the checks need them. */
export class EventIndex {
  readonly byLabel = new Map<string, RecordedEvent[]>();
  /** Label → its workspace-stream appends (one per stream it touched: one is right). */
  readonly appends = new Map<string, Append[]>();
  readonly workspaces = new Map<string, WorkspaceState>();
  readonly claims = new Map<string, AccountClaimState>();
  readonly problems: string[] = [];

  constructor(readonly events: RecordedEvent[]) {
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const key = label(event);
      this.byLabel.set(key, [...(this.byLabel.get(key) ?? []), event]);
      streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
    }
    for (const [streamId, stream] of streams) {
      stream.sort((a, b) => a.revision - b.revision);
      stream.forEach((event, index) => {
        if (event.revision !== index) {
          this.problems.push(`${streamId}: revision ${event.revision} found at index ${index}`);
        }
      });
      if (isWorkspaceStream(streamId)) this.foldWorkspace(streamId, stream);
      else this.claims.set(streamId, foldClaims(stream));
    }
  }

  private foldWorkspace(streamId: string, stream: RecordedEvent[]): void {
    let state = initialWorkspaceState;
    let current: Append | null = null;
    for (const event of stream) {
      if (!isWorkspaceEvent(event)) continue;
      const key = label(event);
      if (!current || label(current.events[0]) !== key) {
        current = { streamId, events: [], before: state };
        this.appends.set(key, [...(this.appends.get(key) ?? []), current]);
      }
      current.events.push(event);
      state = evolve(state, event as unknown as WorkspaceEvent);
    }
    this.workspaces.set(streamId.slice('workspace-'.length), state);
  }

  workspaceEventsOf(commandLabel: string): RecordedEvent[] {
    return (this.appends.get(commandLabel) ?? []).flatMap((a) => a.events);
  }
}

function foldClaims(stream: RecordedEvent[]): AccountClaimState {
  return stream.reduce(
    (state, event) => evolveAccountClaim(state, event as unknown as AccountClaimEvent),
    initialAccountClaimState,
  );
}

const shape = (events: { type: string; data: unknown }[]) =>
  JSON.parse(JSON.stringify(events.map((e) => ({ type: e.type, data: e.data })))) as unknown;

/**
 * The domain command a client's request ran, rebuilt from what the client sent and from the
 * first event it produced (for the ids and the instant the server chose).
 */
function domainCommandOf(command: SentCommand, first: RecordedEvent): WorkspaceCommand | string {
  const data = first.data as Record<string, unknown>;
  const now = String(data.at);
  const workspaceId = command.workspaceId;
  const body = command.body ?? {};
  switch (command.kind) {
    case 'changePlan':
      return { type: 'ChangePlan', workspaceId, plan: body.plan as 'professional', now };
    case 'createCampaign':
      return {
        type: 'CreateCampaign',
        workspaceId,
        campaignId: String(data.campaignId),
        name: String(body.name),
        targets: [{ platform: 'x', connectionId: null }],
        now,
      };
    case 'schedulePost':
      return {
        type: 'SchedulePost',
        workspaceId,
        postId: String(data.postId),
        platform: 'x',
        connectionId: null,
        content: String(body.content),
        publishAt: new Date(String(body.publishAt)).toISOString(),
        campaignId: null,
        now,
      };
    case 'setMain':
      return {
        type: 'SetMainAccount',
        workspaceId,
        connectionId: command.connectionId!,
        expectedVersion: null,
        now,
      };
    case 'disconnect':
      return {
        type: 'DisconnectAccount',
        workspaceId,
        connectionId: command.connectionId!,
        reason: 'disconnected by user',
        expectedVersion: null,
        now,
      };
    case 'connect':
      if (first.type !== 'ConnectionConnected') return `starts with ${first.type}`;
      return {
        type: 'ConnectAccount',
        workspaceId,
        connectionId: String(data.connectionId),
        platform: 'x',
        account: {
          accountId: String(data.accountId),
          accountName: String(data.accountName),
          accountType: String(data.accountType),
        },
        scopes: data.scopes as string[],
        tokenExpiresAt: (data.tokenExpiresAt as string | null) ?? null,
        copiedFrom: null,
        linkedAccount: null,
        now,
      };
  }
}

/**
 * (b) Nothing is half-applied: every command's events are one append (consecutive revisions
 * of one workspace stream, each later event caused by the first), and that append is exactly
 * what the domain decides for the command on the state just before it (so a disconnect that
 * lost its failed posts or flagged campaigns, or a connect that lost its main-account event,
 * shows up). Holds for every command with events, answered or not.
 */
export function checkWholeCommands(commands: SentCommand[], index: EventIndex): string[] {
  const problems = [...index.problems];
  for (const command of commands) {
    const appends = index.appends.get(command.label) ?? [];
    if (appends.length === 0) continue;
    const who = `${command.label} (${command.outcome}${command.retry ? `, retried: ${command.retry.outcome}` : ''})`;
    if (appends.length > 1) {
      problems.push(`${who}: applied ${appends.length} times (separate appends)`);
      continue;
    }
    const [{ streamId, events, before }] = appends;
    if (streamId !== `workspace-${command.workspaceId}`) {
      problems.push(`${who}: events in ${streamId}`);
    }
    const first = events[0];
    events.forEach((event, i) => {
      if (event.revision !== first.revision + i) {
        problems.push(`${who}: revisions ${events.map((e) => e.revision).join(',')}`);
      }
      const cause = event.metadata.causationId ?? null;
      if (i === 0 ? cause !== null : cause !== first.id) {
        problems.push(`${who}: event ${i} (${event.type}) has causation ${String(cause)}`);
      }
    });
    const domainCommand = domainCommandOf(command, first);
    if (typeof domainCommand === 'string') {
      problems.push(`${who}: ${domainCommand}`);
      continue;
    }
    let decided: WorkspaceEvent[];
    try {
      decided = decide(domainCommand, before);
    } catch (error) {
      const reason = error instanceof DomainError ? error.code : String(error);
      problems.push(`${who}: recorded, but the decider refuses it on the state before (${reason})`);
      continue;
    }
    if (!isDeepStrictEqual(shape(events), shape(decided))) {
      problems.push(
        `${who}: recorded ${JSON.stringify(events.map((e) => e.type))}, the decider gives ${JSON.stringify(decided.map((e) => e.type))}`,
      );
    }
  }
  return problems;
}

/**
 * A command that wrote to a connection and was then answered NOT_FOUND because another request
 * disconnected that connection right after the write: the answer is the truth at answer time,
 * not a write reported as refused.
 */
function disconnectedSince(written: RecordedEvent[], answer: unknown, index: EventIndex): boolean {
  if ((answer as { code?: string } | null)?.code !== 'NOT_FOUND') return false;
  const last = written[written.length - 1];
  const connectionId = last.data.connectionId;
  return index.events.some(
    (e) =>
      e.type === 'ConnectionDisconnected' &&
      e.data.connectionId === connectionId &&
      Number(e.position) > Number(last.position),
  );
}

/** What the client was last told: the retry's answer when there was one. */
function finalAnswer(command: SentCommand): {
  outcome: SentCommand['outcome'];
  response?: unknown;
} {
  if (command.retry && !command.retry.asLabel && command.retry.outcome !== 'unanswered') {
    return command.retry;
  }
  return command;
}

/**
 * (a) Every acknowledged command's effect is in the store, as its answer said; a refused one
 * left no event; one whose request never left has no event at all. A command retried after
 * the restart is judged by the retry's answer.
 */
export function checkAnswers(commands: SentCommand[], index: EventIndex): string[] {
  const problems: string[] = [];
  for (const command of commands) {
    const events = index.workspaceEventsOf(command.label);
    const types = events.map((e) => e.type);
    const who = `${command.label} (${command.kind} in ${command.workspaceId})`;
    if (command.outcome === 'notSent') {
      if ((index.byLabel.get(command.label) ?? []).length > 0) {
        problems.push(`${who}: never sent, yet has events`);
      }
      continue;
    }
    if (
      command.outcome === 'refused' &&
      events.length > 0 &&
      !disconnectedSince(events, command.response, index)
    ) {
      problems.push(
        `${who}: answered ${command.status} ${JSON.stringify(command.response)}, yet recorded ${JSON.stringify(types)}`,
      );
      continue;
    }
    const answer = finalAnswer(command);
    if (answer.outcome !== 'acknowledged') continue;
    const body = answer.response as Record<string, unknown>;
    const expect = (ok: boolean, what: string) => {
      if (!ok)
        problems.push(`${who}: acknowledged, but ${what}; recorded ${JSON.stringify(types)}`);
    };
    const data = (i: number) => (events[i]?.data ?? {}) as Record<string, unknown>;
    switch (command.kind) {
      case 'createCampaign':
        expect(
          types.join() === 'CampaignCreated' && data(0).campaignId === body.id,
          `campaign ${String(body.id)} is not its one CampaignCreated`,
        );
        break;
      case 'schedulePost':
        expect(
          types.join() === 'PostScheduled' && data(0).postId === body.id,
          `post ${String(body.id)} is not its one PostScheduled`,
        );
        break;
      case 'changePlan':
        expect(
          types.length === 0 ||
            (types.join() === 'WorkspacePlanChanged' && data(0).plan === command.body?.plan),
          `the plan change to ${String(command.body?.plan)} is not what was recorded`,
        );
        break;
      case 'setMain':
        expect(
          types.length === 0 ||
            (types.join() === 'MainAccountSet' && data(0).connectionId === command.connectionId),
          `${command.connectionId} was not made main`,
        );
        break;
      case 'connect': {
        const id = (body.connections as { id: string }[] | undefined)?.[0]?.id;
        expect(
          types[0] === 'ConnectionConnected' &&
            data(0).connectionId === id &&
            data(0).accountId === command.account?.id &&
            (types.length === 1 ||
              (types.join() === 'ConnectionConnected,MainAccountSet' &&
                data(1).connectionId === id)),
          `connection ${String(id)} of account ${command.account?.id} is not recorded`,
        );
        const claim = (index.byLabel.get(command.label) ?? []).find(
          (e) => e.type === 'AccountClaimed' && e.streamId === `account-x-${command.account?.id}`,
        );
        expect(
          claim !== undefined && (claim.data as { connectionId?: string }).connectionId === id,
          `the account claim for ${String(id)} is missing`,
        );
        break;
      }
      case 'disconnect': {
        const report = body as { scheduledPostsFailed: number; campaignsFlagged: number };
        const flagged = new Set(
          events.filter((e) => e.type === 'CampaignFlagged').map((e) => e.data.campaignId),
        );
        expect(
          types[0] === 'ConnectionDisconnected' &&
            data(0).connectionId === command.connectionId &&
            types.filter((t) => t === 'PostFailed').length === report.scheduledPostsFailed &&
            flagged.size === report.campaignsFlagged,
          `the report (${report.scheduledPostsFailed} posts failed, ${report.campaignsFlagged} campaigns flagged) does not match`,
        );
        // Released by this command, or (when a connect of the same account in this workspace
        // came between the disconnect's event and its release) replaced by the new
        // connection's claim, which passes over the gone connection's stale one: either way
        // the disconnected connection holds the account no more.
        const released = (index.byLabel.get(command.label) ?? []).some(
          (e) => e.type === 'AccountReleased',
        );
        const claimStream = accountClaimStream(
          data(0).platform as Platform,
          String(data(0).accountId),
        );
        const holding = index.claims.get(claimStream)?.holders[command.workspaceId];
        expect(
          released || holding?.connectionId !== command.connectionId,
          'its account claim was not released',
        );
        break;
      }
    }
  }
  return problems;
}

/**
 * Invariants across the whole store that a crash must not break: nothing happened twice to
 * one connection, post or campaign; every live connection holds its account's claim and has
 * its tokens in the vault; no account is live in two workspaces.
 */
export function checkStoreInvariants(index: EventIndex, dataDir: string): string[] {
  const problems: string[] = [];
  const once = new Map<string, number>();
  for (const event of index.events) {
    if (!isWorkspaceStream(event.streamId)) continue;
    const d = event.data as Record<string, string>;
    const subject =
      {
        ConnectionConnected: d.connectionId,
        ConnectionDisconnected: d.connectionId,
        CampaignCreated: d.campaignId,
        PostScheduled: d.postId,
        PostFailed: d.postId,
      }[event.type] ?? null;
    if (subject === null) continue;
    const key = `${event.type} ${subject}`;
    once.set(key, (once.get(key) ?? 0) + 1);
  }
  for (const [key, count] of once) if (count > 1) problems.push(`${key} recorded ${count} times`);

  const sealed = sealedTokens(dataDir);
  const liveIn = new Map<string, string[]>();
  for (const [workspaceId, state] of index.workspaces) {
    for (const c of Object.values(state.connections)) {
      const stream = `account-${c.platform}-${c.accountId}`;
      const holder = index.claims.get(stream)?.holders[workspaceId];
      if (holder?.connectionId !== c.id) {
        problems.push(`${workspaceId}/${c.id} is live without its claim on ${stream}`);
      }
      if (!sealed.has(`${workspaceId}/${c.id}`)) {
        problems.push(`${workspaceId}/${c.id} is live without tokens in the vault`);
      }
      liveIn.set(stream, [...(liveIn.get(stream) ?? []), workspaceId]);
    }
  }
  for (const [stream, workspaces] of liveIn) {
    if (workspaces.length > 1) problems.push(`${stream} is live in ${workspaces.join(', ')}`);
  }
  return problems;
}

/**
 * (5) A command retried with its Idempotency-Key (or, for PUT and DELETE, as is) after the
 * restart is applied exactly once when the retry was acknowledged, and at most once otherwise.
 */
export function checkRetries(
  commands: SentCommand[],
  index: EventIndex,
  killedAt: number,
): string[] {
  const problems: string[] = [];
  for (const command of commands) {
    if (!command.retry) continue;
    const appends = index.appends.get(command.label) ?? [];
    const who = `${command.label} (${command.kind}, retried: ${command.retry.status ?? command.retry.error} ${JSON.stringify(command.retry.response)})`;
    if (appends.length > 1) problems.push(`${who}: applied ${appends.length} times`);
    // Only the retry can have recorded events after the kill: a refusal must not follow them.
    const byRetry = appends
      .flatMap((a) => a.events)
      .filter((e) => e.recordedAt.getTime() > killedAt);
    if (
      command.retry.outcome === 'refused' &&
      byRetry.length > 0 &&
      !disconnectedSince(byRetry, command.retry.response, index)
    ) {
      problems.push(
        `${who}: refused, yet the retry recorded ${JSON.stringify(byRetry.map((e) => e.type))}`,
      );
    }
    const expectsEvents = command.kind === 'createCampaign' || command.kind === 'schedulePost';
    if (command.retry.outcome === 'acknowledged' && expectsEvents && appends.length !== 1) {
      problems.push(`${who}: acknowledged on retry, applied ${appends.length} times`);
    }
  }
  return problems;
}

/** Connections whose disconnect is recorded but whose tokens are still in the vault. */
export function tokensOfDisconnected(index: EventIndex, dataDir: string): string[] {
  const sealed = sealedTokens(dataDir);
  return index.events
    .filter((e) => e.type === 'ConnectionDisconnected')
    .map((e) => `${String(e.data.workspaceId)}/${String(e.data.connectionId)}`)
    .filter((key) => sealed.has(key));
}

/** `workspace/connection` of every connection whose tokens are in the vault. */
function sealedTokens(dataDir: string): Set<string> {
  const rows = rowsOf(
    join(dataDir, 'tokens.sqlite'),
    'SELECT workspace_id, connection_id FROM sealed_tokens',
  ) as { workspace_id: string; connection_id: string }[];
  return new Set(rows.map((r) => `${r.workspace_id}/${r.connection_id}`));
}
