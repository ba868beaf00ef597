import { request as httpRequest } from 'node:http';
import type { XApiUser } from '../support/platform-servers/x-api-server';
import { consentInBrowser } from '../support/platform-servers/browser-consent';
import { cookiesSetBy } from '../support/browser-cookies';

/** One HTTP answer, read to the end. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * One request on its own connection (no pooled socket can outlive a killed process and fail a
 * request to the next one). Rejects when no complete answer arrived: refused, reset, cut short.
 */
export function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...headers,
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': payload.length }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          if (!res.complete) {
            reject(new Error('response cut short'));
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export type CommandKind =
  'changePlan' | 'createCampaign' | 'schedulePost' | 'connect' | 'setMain' | 'disconnect';

/**
 * What the client knows of one command it sent: `acknowledged` (a 2xx answer arrived),
 * `refused` (a 4xx answer arrived), `unanswered` (the request was sent but no answer came, or
 * a 5xx did: the outcome is unknown), `notSent` (the request carrying the label never left).
 */
export type Outcome = 'acknowledged' | 'refused' | 'unanswered' | 'notSent';

export interface SentCommand {
  /** Sent as X-Correlation-Id (every event of the command carries it) and Idempotency-Key. */
  label: string;
  kind: CommandKind;
  workspaceId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /** The kill cycle the command was first sent in (0: before the first kill). */
  cycle: number;
  /** disconnect, setMain: the connection named in the path. */
  connectionId?: string;
  /** connect: who the user is at X. */
  account?: XApiUser;
  /** connect: the binding cookie the start set, which the callback needs (decision 0008). */
  cookie?: string;
  outcome: Outcome;
  status?: number;
  response?: unknown;
  error?: string;
  /** The same request sent again after the restart (see resend). */
  retry?: {
    outcome: Outcome;
    status?: number;
    response?: unknown;
    error?: string;
    /** A PUT is sent again as a new command, under this label. */
    asLabel?: string;
  };
}

export interface LoadTarget {
  port: number;
  bearer: string;
  /** Tells the X fake who `accessToken` belongs to before the consent issues it. */
  registerXUser(accessToken: string, user: XApiUser): void;
}

const FAR_FUTURE = Date.parse('2099-01-01T00:00:00Z');
const MAX_CONNECTIONS_PER_WORKSPACE = 5;

/**
 * Every command the clients sent, and what each client believes about each workspace (its
 * live connections), from the answers it got. Labels are unique over the whole test.
 */
export class CommandLedger {
  readonly commands: SentCommand[] = [];
  private readonly live = new Map<string, Set<string>>();
  private counter = 0;

  constructor(readonly workspaces: string[]) {
    for (const ws of workspaces) this.live.set(ws, new Set());
  }

  nextLabel(kind: CommandKind): string {
    this.counter += 1;
    return `crash-${kind}-${this.counter}`;
  }

  nextAccountNumber(): number {
    this.counter += 1;
    return this.counter;
  }

  liveConnections(workspaceId: string): string[] {
    return [...(this.live.get(workspaceId) ?? [])];
  }

  /** Updates what the clients believe from a command's answer. */
  learn(command: SentCommand, answer: HttpAnswer): void {
    const live = this.live.get(command.workspaceId);
    if (!live) return;
    if (command.kind === 'connect' && answer.status === 200) {
      const connections = (answer.body as { connections?: { id: string }[] }).connections ?? [];
      for (const c of connections) live.add(c.id);
    }
    if (command.kind === 'disconnect' && (answer.status === 200 || answer.status === 404)) {
      live.delete(command.connectionId!);
    }
    if (command.kind === 'setMain' && answer.status === 404) live.delete(command.connectionId!);
  }

  unanswered(cycle: number): SentCommand[] {
    return this.commands.filter((c) => c.cycle === cycle && c.outcome === 'unanswered');
  }
}

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'acknowledged';
  if (status >= 400 && status < 500) return 'refused';
  return 'unanswered';
}

/** The headers that make a request one labelled command. */
function headersFor(command: SentCommand, bearer: string): Record<string, string> {
  return {
    'X-Correlation-Id': command.label,
    ...(command.kind === 'connect' ? {} : { Authorization: `Bearer ${bearer}` }),
    ...(command.method === 'POST' ? { 'Idempotency-Key': command.label } : {}),
    ...(command.cookie ? { Cookie: command.cookie } : {}),
  };
}

interface Answered {
  outcome?: SentCommand['outcome'];
  status?: number;
  response?: unknown;
  error?: string;
}

/** Sends `command` as it is and writes what came back (or that nothing did) into `into`. */
async function deliver(
  target: LoadTarget,
  ledger: CommandLedger,
  command: SentCommand,
  into: Answered,
): Promise<void> {
  try {
    const answer = await call(
      target.port,
      command.method,
      command.path,
      headersFor(command, target.bearer),
      command.body,
    );
    into.status = answer.status;
    into.response = answer.body;
    into.outcome = outcomeOf(answer.status);
    ledger.learn(command, answer);
  } catch (error) {
    into.outcome = 'unanswered';
    into.error = error instanceof Error ? error.message : String(error);
  }
}

function send(target: LoadTarget, ledger: CommandLedger, command: SentCommand): Promise<void> {
  return deliver(target, ledger, command, command);
}

/**
 * Sends a command again, as a client does when it got no answer: the same path, body, label and
 * Idempotency-Key, so a POST must not apply twice; the OAuth callback again with its single-use
 * state; a DELETE of the same connection. A PUT sets the plan to a value: sent again it may
 * rightly apply again (another client may have changed the plan since), so it goes out as a new
 * command with its own label.
 */
export async function resend(
  target: LoadTarget,
  ledger: CommandLedger,
  command: SentCommand,
): Promise<void> {
  if (command.method === 'PUT') {
    const again: SentCommand = {
      ...command,
      label: ledger.nextLabel(command.kind),
      outcome: 'notSent',
      status: undefined,
      response: undefined,
      error: undefined,
    };
    ledger.commands.push(again);
    await send(target, ledger, again);
    const { outcome, status, response, error } = again;
    command.retry = { outcome, status, response, error, asLabel: again.label };
    return;
  }
  const retry: NonNullable<SentCommand['retry']> = { outcome: 'unanswered' };
  command.retry = retry;
  await deliver(target, ledger, command, retry);
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/**
 * Concurrent clients issuing commands that need no real platform: plan changes, campaigns,
 * posts on the main account, X accounts connected through the local X fakes (OAuth start,
 * consent, callback), main account changes and disconnects (which fail the connection's
 * pending posts and flag its campaigns in the same append).
 */
export class LoadGenerator {
  private stopping = false;
  private clients: Promise<void>[] = [];

  constructor(
    private readonly target: LoadTarget,
    private readonly ledger: CommandLedger,
    private readonly cycle: number,
  ) {}

  start(concurrency: number): void {
    this.clients = Array.from({ length: concurrency }, () => this.client());
  }

  /** No new request leaves after this (requests in flight stay in flight). */
  stopIssuing(): void {
    this.stopping = true;
  }

  /** Resolves once every client has stopped (after stopIssuing). */
  async finished(): Promise<void> {
    await Promise.all(this.clients);
  }

  private async client(): Promise<void> {
    while (!this.stopping) await this.runOne();
  }

  private async runOne(): Promise<SentCommand> {
    const ws = pick(this.ledger.workspaces);
    const live = this.ledger.liveConnections(ws);
    const roll = Math.random();
    if (roll < 0.2) return this.command(ws, 'createCampaign');
    if (roll < 0.45) return this.command(ws, 'schedulePost');
    if (roll < 0.55) return this.command(ws, 'changePlan');
    if (roll < 0.72) {
      return live.length < MAX_CONNECTIONS_PER_WORKSPACE
        ? this.connect(ws)
        : this.command(ws, 'disconnect', pick(live));
    }
    if (live.length === 0) return this.connect(ws);
    if (roll < 0.88) return this.command(ws, 'setMain', pick(live));
    return this.command(ws, 'disconnect', pick(live));
  }

  /** One command other than connect; sent unless the load is stopping. */
  async command(ws: string, kind: CommandKind, connectionId?: string): Promise<SentCommand> {
    const label = this.ledger.nextLabel(kind);
    const base = `/v1/workspaces/${ws}`;
    const shapes: Record<
      Exclude<CommandKind, 'connect'>,
      Pick<SentCommand, 'method' | 'path' | 'body'>
    > = {
      changePlan: {
        method: 'PUT',
        path: `${base}/plan`,
        body: { plan: Math.random() < 0.5 ? 'professional' : 'enterprise' },
      },
      createCampaign: {
        method: 'POST',
        path: `${base}/campaigns`,
        body: { name: label, targets: [{ platform: 'x' }] },
      },
      schedulePost: {
        method: 'POST',
        path: `${base}/posts`,
        body: {
          platform: 'x',
          content: label,
          publishAt: new Date(FAR_FUTURE + Math.floor(Math.random() * 1e9)).toISOString(),
        },
      },
      setMain: { method: 'POST', path: `${base}/connections/${connectionId}/main`, body: {} },
      disconnect: { method: 'DELETE', path: `${base}/connections/${connectionId}` },
    };
    const command: SentCommand = {
      label,
      kind,
      workspaceId: ws,
      cycle: this.cycle,
      connectionId,
      outcome: 'notSent',
      ...shapes[kind as Exclude<CommandKind, 'connect'>],
    };
    this.ledger.commands.push(command);
    if (!this.stopping) await send(this.target, this.ledger, command);
    return command;
  }

  /**
   * Connects a new X account: start (its own Idempotency-Key), the user's consent at the X
   * fake, then the callback, which carries the label and runs the command.
   */
  async connect(ws: string): Promise<SentCommand> {
    const label = this.ledger.nextLabel('connect');
    const n = this.ledger.nextAccountNumber();
    const account: XApiUser = {
      id: String(7_000_000_000 + n),
      name: `Crash Account ${n}`,
      username: `crash_account_${n}`,
      verified_type: 'none',
    };
    const command: SentCommand = {
      label,
      kind: 'connect',
      workspaceId: ws,
      cycle: this.cycle,
      account,
      method: 'GET',
      path: '',
      outcome: 'notSent',
    };
    this.ledger.commands.push(command);
    if (this.stopping) return command;
    try {
      const started = await call(
        this.target.port,
        'POST',
        `/v1/workspaces/${ws}/connections/oauth/x`,
        {
          Authorization: `Bearer ${this.target.bearer}`,
          'Idempotency-Key': `${label}.start`,
          'X-Correlation-Id': `${label}.start`,
        },
        {},
      );
      if (started.status !== 201) {
        command.error = `OAuth start answered ${started.status}`;
        return command;
      }
      const accessToken = `x-access-${label}`;
      this.target.registerXUser(accessToken, account);
      const consent = await consentInBrowser(
        (started.body as { authorizationUrl: string }).authorizationUrl,
        { accessToken },
      );
      command.path = `/v1/oauth/x/callback?${new URLSearchParams(consent.query)}`;
      command.cookie = cookiesSetBy(started);
    } catch (error) {
      command.error = error instanceof Error ? error.message : String(error);
      return command;
    }
    if (!this.stopping) await send(this.target, this.ledger, command);
    return command;
  }
}
