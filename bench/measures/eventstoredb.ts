import { WorkspaceCommands, type CommandContext } from '@ledger/commands';
import { workspaceStream } from '@ledger/domain';
import { EsdbEventStore } from '@ledger/event-store';
import { msSince, percentile, perSecond } from '../support/stats';

export interface EventStoreDbResult {
  clients: number;
  commands: number;
  commandsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  events: number;
  readEventsPerSecond: number;
}

/**
 * The command path against the EventStoreDB named by EVENTSTORE_CONNECTION_STRING (only when
 * it is set: no server runs on our build machines): `clients` concurrent callers, each on a
 * workspace of its own made for this run, change its plan back and forth through
 * WorkspaceCommands (load, decide, append with the expected revision: the tail read and the
 * append call). Then every workspace stream is read back, one after the other.
 */
export async function measureEventStoreDb(
  connectionString: string,
  clients: number,
  commands: number,
): Promise<EventStoreDbResult> {
  const store = EsdbEventStore.fromConnectionString(connectionString);
  try {
    const workspaceCommands = new WorkspaceCommands(store);
    const perClient = Math.ceil(commands / clients);
    const plans = ['starter', 'professional'] as const;
    const run = `bench-${process.pid}-${Date.now()}`;
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const workspaceId = `${run}-${client}`;
        for (let i = 0; i < perClient; i++) {
          const sent = process.hrtime.bigint();
          await workspaceCommands.execute(
            { type: 'ChangePlan', workspaceId, plan: plans[i % 2], now: new Date().toISOString() },
            contextFor(`${workspaceId}-${i}`),
          );
          latencies.push(msSince(sent));
        }
      }),
    );
    const ms = msSince(started);

    let events = 0;
    const readStarted = process.hrtime.bigint();
    for (let client = 0; client < clients; client++) {
      for await (const event of store.readStream(workspaceStream(`${run}-${client}`))) {
        if (event.type) events += 1;
      }
    }
    const readMs = msSince(readStarted);
    const total = perClient * clients;
    if (events !== total) throw new Error(`expected ${total} events back, read ${events}`);
    return {
      clients,
      commands: total,
      commandsPerSecond: perSecond(total, ms),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      events,
      readEventsPerSecond: perSecond(events, readMs),
    };
  } finally {
    await store.close();
  }
}

function contextFor(id: string): CommandContext {
  return {
    commandId: id,
    actor: { userId: 'bench', role: 'owner', ip: '127.0.0.1', userAgent: 'bench' },
    correlationId: id,
  };
}
