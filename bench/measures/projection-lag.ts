import { join } from 'node:path';
import { WorkspaceCommands } from '@ledger/commands';
import { SqliteEventStore } from '@ledger/event-store';
import {
  ProjectionRunner,
  SqliteWorkspaceReadModel,
  type WorkspaceReadModel,
} from '@ledger/read-models';
import { percentile } from '../support/stats';

/**
 * Projection lag under steady load: commands arrive at `rate` per second (spread over 200
 * workspaces) for `seconds`; the connections projection follows the store as in a local run.
 * A command's lag is the time from its acknowledgement (durable append) to the moment the read
 * model's checkpoint passes its event.
 */
export async function measureProjectionLag(dir: string, rate: number, seconds: number) {
  const store = new SqliteEventStore({ path: join(dir, 'lag-events.db') });
  const readModel = SqliteWorkspaceReadModel.open({
    sqlitePath: join(dir, 'lag-read-models.sqlite'),
  });
  const applied: Array<{ position: bigint; at: number }> = [];
  const apply: WorkspaceReadModel['apply'] = async (changes, checkpoint) => {
    await readModel.apply(changes, checkpoint);
    applied.push({ position: BigInt(checkpoint.position), at: performance.now() });
  };
  // The read model as it is, except that every apply is timed.
  const observed = new Proxy(readModel, {
    get: (target, property) => {
      if (property === 'apply') return apply;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  const runner = new ProjectionRunner(store, observed, { projection: 'connections' });
  runner.start();
  const commands = new WorkspaceCommands(store);

  const acknowledged: Array<{ position: bigint; at: number }> = [];
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const pending: Promise<void>[] = [];
  let n = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < perTick; i++, n++) {
      const workspaceId = `lag-${n % 200}`;
      const plan = Math.floor(n / 200) % 2 === 0 ? 'starter' : 'professional';
      pending.push(
        commands
          .execute(
            { type: 'ChangePlan', workspaceId, plan, now: new Date().toISOString() },
            {
              commandId: `lag-${n}`,
              actor: { userId: 'bench', role: 'owner', ip: null, userAgent: 'bench' },
              correlationId: `lag-${n}`,
            },
          )
          .then((result) => {
            if (result.position !== null) {
              acknowledged.push({ position: BigInt(result.position), at: performance.now() });
            }
          }),
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(pending);
  const last = acknowledged.reduce((max, a) => (a.position > max ? a.position : max), 0n);
  await runner.waitUntilCaughtUp(last.toString(), { timeoutMs: 30_000 });
  await runner.stop();
  await store.close();
  await readModel.close();

  // applied is in checkpoint order: the first apply at or past each acknowledged position.
  const lags: number[] = [];
  let j = 0;
  for (const ack of [...acknowledged].sort((a, b) => (a.position < b.position ? -1 : 1))) {
    while (j < applied.length && applied[j].position < ack.position) j++;
    if (j === applied.length) throw new Error('an acknowledged event was never projected');
    lags.push(Math.max(0, applied[j].at - ack.at));
  }
  return {
    commands: acknowledged.length,
    rate: (acknowledged.length / seconds) | 0,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
  };
}
