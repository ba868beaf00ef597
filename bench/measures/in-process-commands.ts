import { join } from 'node:path';
import { WorkspaceCommands, type CommandContext } from '@ledger/commands';
import { workspaceStream } from '@ledger/domain';
import { SqliteEventStore, type EventToAppend, type RecordedEvent } from '@ledger/event-store';
import { msSince, perSecond } from '../support/stats';

export interface InProcessResult {
  clients: number;
  commands: number;
  commandsPerSecond: number;
  /** Transactions (one fsync each) the group commit needed. */
  transactions: number;
  /** The appends, in order, as the peers must write them: same streams, same events. */
  appends: Array<{ streamId: string; events: EventToAppend[] }>;
}

/**
 * The command path without HTTP: load the workspace (cached), decide, append with the expected
 * revision to the SQLite store (WAL, synchronous=FULL, group commit). `clients` concurrent
 * callers, each on its own workspace, change its plan back and forth.
 */
export async function measureInProcessCommands(
  dir: string,
  clients: number,
  commands: number,
): Promise<InProcessResult> {
  const store = new SqliteEventStore({ path: join(dir, 'in-process.db') });
  const workspaceCommands = new WorkspaceCommands(store);
  const perClient = Math.ceil(commands / clients);
  const plans = ['starter', 'professional'] as const;

  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const workspaceId = `in-process-${client}`;
      for (let i = 0; i < perClient; i++) {
        await workspaceCommands.execute(
          { type: 'ChangePlan', workspaceId, plan: plans[i % 2], now: new Date().toISOString() },
          contextFor(client, i),
        );
      }
    }),
  );
  const ms = msSince(started);
  const transactions = store.batchCount;

  const appends: InProcessResult['appends'] = [];
  for (let after: string | null = null; ;) {
    const page: RecordedEvent[] = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) break;
    for (const e of page) {
      appends.push({
        streamId: e.streamId,
        events: [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }],
      });
    }
    after = page[page.length - 1].position;
  }
  await store.close();
  const total = perClient * clients;
  if (appends.length !== total) throw new Error(`expected ${total} events, read ${appends.length}`);
  // Sanity: every client's stream holds exactly its commands.
  if (!appends.some((a) => a.streamId === workspaceStream('in-process-0'))) {
    throw new Error('no events in the first client stream');
  }
  return {
    clients,
    commands: total,
    commandsPerSecond: perSecond(total, ms),
    transactions,
    appends,
  };
}

function contextFor(client: number, i: number): CommandContext {
  const id = `bench-${client}-${i}`;
  return {
    commandId: id,
    actor: { userId: `user-${client}`, role: 'owner', ip: '127.0.0.1', userAgent: 'bench' },
    correlationId: id,
  };
}
