import type { Machine } from './machine';

export interface Row {
  measure: string;
  value: string;
  /** Empty when the issue sets no target for this figure. */
  target?: string;
  met?: boolean;
  /** Why a missed target is missed, from what the same run measured. */
  why?: string;
}

const verdict = (row: Row) => (row.met === undefined ? '' : row.met ? 'met' : 'MISSED');

function machineLine(machine: Machine): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; ` +
    `Node.js ${machine.node}; SQLite ${machine.sqlite}; disk ${machine.disk}`
  );
}

export function renderConsole(rows: Row[], machine: Machine, size: string): string {
  const headers = ['measure', 'result', 'target', ''];
  const cells = rows.map((r) => [r.measure, r.value, r.target ?? '', verdict(r)]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [
    '',
    `Connection Ledger benchmarks (${size}), ${new Date().toISOString()}`,
    `machine: ${machineLine(machine)}`,
    '',
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    '',
  ].join('\n');
}

export function renderMarkdown(
  rows: Row[],
  machine: Machine,
  size: string,
  parameters: Record<string, number>,
): string {
  const table = [
    '| measure | result | target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.target ?? ''} | ${verdict(r)} |`),
  ];
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (size \`${size}\`) on ${new Date().toISOString()}. ` +
      'Rerun it to measure your machine; CI runs the same code with `--size=small`.',
    '',
    `**Machine:** ${machineLine(machine)}.`,
    '',
    ...table,
    '',
    ...missed(rows),
    `Parameters: ${Object.entries(parameters)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
    '',
    'How each figure is taken (code in `bench/`; every process runs with ' +
      '`--max-semi-space-size=64`, as `npm start`, the worker, the CLI and the Docker image do):',
    '',
    '- **HTTP**: wrk when installed (else autocannon; the table names the tool), from another ' +
      'process on the same machine, each figure after a warm-up. The floor is a bare `node:http` ' +
      'server answering a small JSON body, measured in the same run with the same tool: every ' +
      'HTTP figure is also given as a share of it, and with the server CPU each request cost ' +
      '(from /proc). The framework floor is NestJS on Fastify with one route answering the ' +
      'same body (no middleware, guard, token or store of ours). Commands: the built API (`node dist/.../main.js`) on a fresh embedded ' +
      'store; each workspace owner changes its plan back and forth, wrk rotating through ' +
      'pre-minted tokens of twice as many workspaces as clients. An answer comes after the ' +
      'event is fsynced and the read model shows it. A second command run holds a fixed rate ' +
      '(half the closed-loop throughput) for latency below saturation, with our own open-loop ' +
      'driver (bench/support/fixed-rate.ts: wrk cannot hold a rate, autocannon sends in bursts); ' +
      'its latency counts from when each request was due. Reads: integrations and connections of workspaces with a few connections ' +
      'each. Any non-2xx answer fails the run.',
    '- **In-process commands**: `WorkspaceCommands.execute` (load, decide, append with the ' +
      'expected revision) on the SQLite store, 100 concurrent callers; group commit puts the ' +
      'appends of one event-loop turn in one transaction.',
    '- **Raw ceiling**: the same events inserted with plain better-sqlite3 prepared statements, ' +
      'WAL and `synchronous=FULL`, as many appends per transaction as our group commit made: no ' +
      'revision check, no hash chain, no deciding. The gap is what our guarantees cost.',
    '- **Peer**: `@event-driven-io/emmett-sqlite` appending the same events with an expected ' +
      'stream version, grouped the same way through its connection, and as its docs show it ' +
      '(one `appendToStream` per command).',
    '- **Projection lag**: commands at a steady rate in one process with the connections ' +
      'projection following the store; lag = acknowledgement to read-model checkpoint.',
    '- **Replay / verification / as-of**: a year of history per workspace made by the real ' +
      'deciders (connects, daily token refreshes, renames, main-account changes, disconnects), ' +
      'written through the store so the hash chain is real. Replay reads the global feed and ' +
      'folds every event; verification recomputes every SHA-256 link per workspace; as-of ' +
      'asks the API for a workspace at a random instant, one request at a time.',
    '',
  ].join('\n');
}

function missed(rows: Row[]): string[] {
  const explained = rows.filter((r) => r.met === false && r.why);
  if (explained.length === 0) return [];
  return [
    '**Missed targets, and why** (from this run):',
    '',
    ...explained.map((r) => `- ${r.measure}: ${r.why}`),
    '',
  ];
}
