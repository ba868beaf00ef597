import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { planChangeSlots, readSlots } from './measures/http-commands';
import { startApi, type ApiProcess } from './support/api-process';
import { startBareServer, startNestFastifyFloor } from './support/floor-servers';
import { writeHistory } from './support/history';
import {
  closedLoop,
  fixedRate,
  loadToolName,
  type LoadResult,
  type LoadRun,
} from './support/load-tool';
import { cpuMsOf } from './support/process-cpu';
import type { Row } from './support/report';

export interface HttpSize {
  httpSeconds: number;
  httpWarmupSeconds: number;
  /** Workspaces with a few connections each, for the read routes. */
  readWorkspaces: number;
}

const CLIENTS = 100;
const COMMANDS_TARGET = { perSecond: 8_000, p99Ms: 20 };
const READS_TARGET = 15_000;

interface Measured extends LoadResult {
  /** Server CPU (user + system) per answered request, µs; undefined off Linux. */
  cpuUs?: number;
}

/**
 * Every HTTP figure, in one run and with one load tool: the bare node:http floor, commands at
 * 10 and 100 clients, commands at a fixed rate for latency, GET /health, and two reads. Each
 * run is warmed up first (JIT, caches, the store's pages) and fails on any non-2xx answer.
 */
export async function measureHttp(
  work: string,
  size: HttpSize,
  log: (message: string) => void,
): Promise<Row[]> {
  const tool = loadToolName();
  log(`HTTP load tool: ${tool} (closed loop); fixed-rate run: our own open-loop driver`);
  const measure = async (name: string, pid: number, run: LoadRun): Promise<Measured> => {
    log(`${name}: ${run.clients} clients, warm-up ${size.httpWarmupSeconds} s + ${run.seconds} s`);
    await closedLoop({ ...run, seconds: size.httpWarmupSeconds }, work);
    const before = cpuMsOf(pid);
    const result = await closedLoop(run, work);
    const after = cpuMsOf(pid);
    if (result.failures > 0) throw new Error(`${name}: ${result.failures} requests failed`);
    const answered = result.perSecond * run.seconds;
    const cpuUs =
      before === undefined || after === undefined
        ? undefined
        : ((after - before) * 1000) / answered;
    return { ...result, cpuUs };
  };
  const seconds = size.httpSeconds;
  const rows: Row[] = [];

  const floorRun = async (name: string, start: typeof startBareServer) => {
    const server = await start();
    try {
      return await measure(name, server.pid, {
        url: server.url,
        clients: CLIENTS,
        seconds,
        slots: [[{ method: 'GET', path: '/' }]],
      });
    } finally {
      await server.stop();
    }
  };
  const floor = await floorRun('bare node:http floor', startBareServer);
  const ofFloor = (r: LoadResult) => `${pct(r.perSecond / floor.perSecond)} of the bare floor`;
  rows.push({
    measure: `HTTP floor: bare node:http server, small JSON, ${CLIENTS} clients (${tool})`,
    value: `${fmt(floor.perSecond)} req/s; p99 ${ms(floor.p99Ms)}${cpu(floor)}`,
  });
  const framework = await floorRun('NestJS + Fastify, one route', startNestFastifyFloor);
  rows.push({
    measure: `HTTP framework floor: NestJS + Fastify, one route, same body, ${CLIENTS} clients`,
    value: `${fmt(framework.perSecond)} req/s (${ofFloor(framework)}); p99 ${ms(framework.p99Ms)}${cpu(framework)}`,
  });
  const whyMissed = (what: string, r: Measured) => explainMiss(what, r, floor, framework);
  const commandWhy = (r: Measured) =>
    `${whyMissed('a command', r)} Each group commit's fsync (synchronous=FULL) also holds the event loop, on top of that CPU.`;

  const httpDir = join(work, 'http');
  const workspaceIds = await seedReadWorkspaces(httpDir, size.readWorkspaces);
  const api = await startApi(httpDir);
  try {
    await waitForReadModel(api, workspaceIds[workspaceIds.length - 1]);
    let at100: Measured | undefined;
    for (const clients of [10, CLIENTS]) {
      const r = await measure(`HTTP commands`, api.pid, {
        url: api.baseUrl,
        clients,
        seconds,
        slots: planChangeSlots(api, String(clients), clients),
        oneInFlightPerSlot: true,
      });
      const atTarget = clients === CLIENTS;
      if (atTarget) at100 = r;
      rows.push({
        measure: `HTTP commands, ${clients} clients (synchronous=FULL, ${tool})`,
        value:
          `${fmt(r.perSecond)} cmd/s (${ofFloor(r)}); p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}` +
          cpu(r),
        target: atTarget
          ? `≥ ${fmt(COMMANDS_TARGET.perSecond)} cmd/s, p99 ≤ ${COMMANDS_TARGET.p99Ms} ms`
          : '',
        met: atTarget
          ? r.perSecond >= COMMANDS_TARGET.perSecond && r.p99Ms <= COMMANDS_TARGET.p99Ms
          : undefined,
        why: atTarget ? commandWhy(r) : undefined,
      });
    }

    // Half the closed-loop throughput: a load the API sustains, so latency is not queueing.
    const rate = Math.max(100, Math.round((at100?.perSecond ?? 1000) / 2 / 100) * 100);
    log(`HTTP commands at a fixed ${rate}/s: ${CLIENTS} clients, ${seconds} s (open loop)`);
    const steady = await fixedRate(
      {
        url: api.baseUrl,
        clients: CLIENTS,
        seconds,
        slots: planChangeSlots(api, String(CLIENTS), CLIENTS),
      },
      rate,
    );
    if (steady.failures > 0) throw new Error(`${steady.failures} fixed-rate commands failed`);
    rows.push({
      measure: `HTTP commands at a fixed ${fmt(rate)}/s (half the above), up to ${CLIENTS} connections (open loop)`,
      value: `${fmt(steady.perSecond)} cmd/s; p50 ${ms(steady.p50Ms)}, p99 ${ms(steady.p99Ms)}`,
    });

    const health = await measure('GET /health', api.pid, {
      url: api.baseUrl,
      clients: CLIENTS,
      seconds,
      slots: [[{ method: 'GET', path: '/health' }]],
    });
    rows.push({
      measure: `HTTP GET /health, ${CLIENTS} clients (no token; readiness reads the stores)`,
      value: `${fmt(health.perSecond)} req/s (${ofFloor(health)}); p99 ${ms(health.p99Ms)}${cpu(health)}`,
    });

    for (const route of ['integrations', 'connections']) {
      const r = await measure(`GET ${route}`, api.pid, {
        url: api.baseUrl,
        clients: CLIENTS,
        seconds,
        slots: readSlots(api, workspaceIds, route),
      });
      rows.push({
        measure: `HTTP reads: GET /v1/workspaces/{ws}/${route}, ${CLIENTS} clients`,
        value:
          `${fmt(r.perSecond)} req/s (${ofFloor(r)}); p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}` +
          cpu(r),
        target: `≥ ${fmt(READS_TARGET)} req/s`,
        met: r.perSecond >= READS_TARGET,
        why: whyMissed('a read', r),
      });
    }
  } finally {
    await api.stop();
  }
  return rows;
}

/** Workspaces with a plan and a few connections, written to the API's store before it starts. */
async function seedReadWorkspaces(dataDir: string, workspaces: number): Promise<string[]> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    const history = await writeHistory(store, workspaces, 8);
    return history.workspaces.map((w) => w.workspaceId);
  } finally {
    await store.close();
  }
}

/** The API's projection catches up from the feed at start; reads are measured after it. */
async function waitForReadModel(api: ApiProcess, workspaceId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${api.baseUrl}/v1/workspaces/${workspaceId}/connections`, {
      headers: { authorization: `Bearer ${api.tokenFor(workspaceId)}` },
    });
    if (res.ok && ((await res.json()) as unknown[]).length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the read model did not catch up with the seeded workspaces');
}

/**
 * From this run's own figures: the CPU a request cost the API against the bare server's and
 * the bare framework's. One Node.js process serves on one core, so 1 s / CPU per request bounds
 * its throughput however idle the other core is.
 */
function explainMiss(what: string, r: Measured, floor: Measured, framework: Measured): string {
  const share = `It ran at ${pct(r.perSecond / floor.perSecond)} of the bare node:http floor (${fmt(floor.perSecond)} req/s, same run, same tool)`;
  const littles = `at ${CLIENTS} clients p99 follows throughput (Little's law: ${CLIENTS} / throughput)`;
  if (r.cpuUs === undefined || floor.cpuUs === undefined || framework.cpuUs === undefined) {
    return `${share}; ${littles}.`;
  }
  return (
    `The API spent ${fmt(r.cpuUs)} µs of CPU on ${what}: NestJS on Fastify alone costs ` +
    `${fmt(framework.cpuUs)} µs per request here (a one-route app) and node:http ${fmt(floor.cpuUs)} µs, ` +
    `so one process tops out near ${fmt(1e6 / r.cpuUs)}/s on one core, and the framework alone ` +
    `near ${fmt(1e6 / framework.cpuUs)}/s. ${share}; ${littles}.`
  );
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const cpu = (r: Measured) => (r.cpuUs === undefined ? '' : `; ${fmt(r.cpuUs)} µs CPU each`);
