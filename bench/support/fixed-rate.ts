import { Agent, request } from 'node:http';
import type { LoadResult, LoadRun, SlotRequest } from './load-tool';
import { percentile } from './stats';

/**
 * An open-loop driver: requests start on a fixed schedule (`perSecond`, spread evenly, checked
 * every millisecond) over at most `clients` keep-alive connections, whatever the answers do.
 * wrk cannot hold a rate, and autocannon's overallRate sends each connection's share in a
 * burst at the top of every second, which measures the burst. Latency counts from when a
 * request was due, not when a connection was free to send it, so a stalled server shows in
 * the figures (no coordinated omission). A slot (workspace) has one request in flight at a
 * time; a request waits for its slot as it would for its connection.
 */
export async function fixedRateRun(run: LoadRun, perSecond: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: run.clients });
  const target = new URL(run.url);
  const free = run.slots.map((_, index) => index);
  const positions = run.slots.map(() => 0);
  const waiting: number[] = []; // due times of requests waiting for a free slot
  const latencies: number[] = [];
  let failures = 0;
  let due = 0;
  const started = performance.now();
  const endsAt = started + run.seconds * 1000;

  const send = (dueAt: number, slotIndex: number) => {
    const slot = run.slots[slotIndex];
    const r: SlotRequest = slot[positions[slotIndex]];
    positions[slotIndex] = (positions[slotIndex] + 1) % slot.length;
    const finish = (ok: boolean) => {
      if (ok) latencies.push(performance.now() - dueAt);
      else failures += 1;
      const next = waiting.shift();
      if (next !== undefined) send(next, slotIndex);
      else free.push(slotIndex);
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: r.method,
        path: r.path,
        headers: {
          ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
          ...(r.body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) }
            : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => finish((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
      },
    );
    req.on('error', () => finish(false));
    req.end(r.body);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const dueNow = Math.floor(((Math.min(now, endsAt) - started) / 1000) * perSecond);
      for (; due < dueNow; due++) {
        const dueAt = started + (due * 1000) / perSecond;
        const slotIndex = free.shift();
        if (slotIndex === undefined) waiting.push(dueAt);
        else send(dueAt, slotIndex);
      }
      if (now >= endsAt) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // Let what is in flight or waiting finish; what does not within 10 s counts as failed.
  const deadline = performance.now() + 10_000;
  while (free.length < run.slots.length && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  failures += waiting.length + (run.slots.length - free.length);
  agent.destroy();
  return {
    requests: due,
    perSecond: latencies.length / run.seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  };
}
