import { execFile } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fixedRateRun } from './fixed-rate';

/** One request of a slot: a workspace's owner and what it sends. */
export interface SlotRequest {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  token?: string;
  body?: string;
}

/** A workspace and the requests it cycles through, in order. */
export type Slot = SlotRequest[];

export interface LoadRun {
  /** Base URL of the server under load. */
  url: string;
  clients: number;
  seconds: number;
  /** At least `clients` slots; autocannon gives client i slot i, wrk rotates through them. */
  slots: Slot[];
  /**
   * At most one request of a slot in flight (commands: each owner changes its own workspace's
   * plan, one change at a time); needs more slots than clients with wrk.
   */
  oneInFlightPerSlot?: boolean;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, socket errors and timeouts: a valid run has none. */
  failures: number;
}

export type LoadToolName = 'wrk' | 'autocannon';

const WRK = '/usr/bin/wrk';
const WRK_SCRIPT = join(__dirname, 'wrk-rotate.lua');

/**
 * wrk when installed (C, a fraction of autocannon's CPU, which matters when the load generator
 * shares the machine's cores with the API), autocannon otherwise.
 */
export function loadToolName(): LoadToolName {
  try {
    accessSync(WRK, constants.X_OK);
    return 'wrk';
  } catch {
    return 'autocannon';
  }
}

/** As many requests as answers come (closed loop), with the tool loadToolName() picked. */
export function closedLoop(run: LoadRun, workDir: string): Promise<LoadResult> {
  return loadToolName() === 'wrk' ? withWrk(run, workDir) : withAutocannon(run);
}

/** A fixed arrival rate, for latency below saturation: our own open-loop driver. */
export function fixedRate(run: LoadRun, perSecond: number): Promise<LoadResult> {
  return fixedRateRun(run, perSecond);
}

async function withWrk(run: LoadRun, workDir: string): Promise<LoadResult> {
  const threads = 1; // one C thread keeps up with the API and leaves it the other core
  const requestsFile = join(workDir, `wrk-requests-${process.hrtime.bigint()}.tsv`);
  writeFileSync(requestsFile, slotLines(run.slots));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      WRK,
      [
        `-t${threads}`,
        `-c${run.clients}`,
        `-d${run.seconds}s`,
        '--timeout',
        '10s',
        '-s',
        WRK_SCRIPT,
        run.url,
        '--',
        requestsFile,
        String(threads),
        run.oneInFlightPerSlot ? 'exclusive' : 'shared',
      ],
      { maxBuffer: 10 * 1024 * 1024 },
      (error, out, err) =>
        error ? reject(new Error(`wrk failed: ${err || error.message}`)) : resolve(out),
    );
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  const r = JSON.parse(last) as Record<string, number>;
  const seconds = r.durationUs / 1e6;
  const failures = r.non2xx + r.connect + r.read + r.write + r.timeout;
  return {
    requests: r.requests,
    perSecond: (r.requests - r.non2xx) / seconds,
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    failures,
  };
}

function slotLines(slots: Slot[]): string {
  const lines: string[] = [];
  slots.forEach((slot, index) => {
    for (const r of slot) {
      lines.push([index, r.method, r.path, r.token ?? '', r.body ?? ''].join('\t'));
    }
  });
  return `${lines.join('\n')}\n`;
}

async function withAutocannon(run: LoadRun): Promise<LoadResult> {
  let next = 0;
  const requestsOf = (slot: Slot) =>
    slot.map((r) => ({
      method: r.method,
      path: r.path,
      headers: {
        ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
        ...(r.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(r.body ? { body: r.body } : {}),
    }));
  const result = await autocannon({
    url: run.url,
    connections: run.clients,
    duration: run.seconds,
    requests: requestsOf(run.slots[0]),
    setupClient: (client) => client.setRequests(requestsOf(run.slots[next++ % run.slots.length])),
  });
  return {
    requests: result.requests.total,
    perSecond: result['2xx'] / run.seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
