/**
 * `npm run bench`: every figure issue 6 asks for, in one run, printed as a table and written to
 * docs/BENCHMARKS.md with the machine it ran on. `npm run bench -- --size=small` is the quick
 * run CI makes (same code, smaller numbers; writes only where --out says).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@ledger/event-store';
import { measureHttp } from './http-figures';
import { measureAsOf } from './measures/as-of';
import { measureEventStoreDb } from './measures/eventstoredb';
import { measureEmmettGrouped, measureEmmettPerCommand } from './measures/emmett-peer';
import { measureInProcessCommands } from './measures/in-process-commands';
import { measureProjectionLag } from './measures/projection-lag';
import { measureRawCeiling } from './measures/raw-ceiling';
import { measureRawReadCeiling, measureReplay } from './measures/replay';
import { measureVerification } from './measures/verification';
import { startApi } from './support/api-process';
import { writeHistory } from './support/history';
import { describeMachine } from './support/machine';
import { renderConsole, renderMarkdown, type Row } from './support/report';

const SIZES = {
  full: {
    httpSeconds: 10,
    httpWarmupSeconds: 3,
    readWorkspaces: 1_000,
    inProcessCommands: 50_000,
    peerCommands: 20_000,
    peerPerCommand: 3_000,
    historyWorkspaces: 10_000,
    eventsPerWorkspace: 100,
    lagRate: 1_000,
    lagSeconds: 10,
    asOfQueries: 500,
  },
  small: {
    httpSeconds: 2,
    httpWarmupSeconds: 1,
    readWorkspaces: 200,
    inProcessCommands: 3_000,
    peerCommands: 3_000,
    peerPerCommand: 300,
    historyWorkspaces: 200,
    eventsPerWorkspace: 100,
    lagRate: 500,
    lagSeconds: 2,
    asOfQueries: 60,
  },
};
export type SizeName = keyof typeof SIZES;

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const sizeName = (option('size') ?? 'full') as SizeName;
  const size = SIZES[sizeName];
  if (!size) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  // --only=http or --only=store: one part, e.g. to compare two builds of the API quickly.
  const only = option('only')?.split(',');
  const runs = (part: 'http' | 'store') => !only || only.includes(part);
  const out = option('out') ?? (sizeName === 'full' && !only ? 'docs/BENCHMARKS.md' : undefined);
  const work = join(process.cwd(), 'tmp', `bench-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const sqliteVersion = (
    new Database(':memory:').prepare('select sqlite_version() v').get() as {
      v: string;
    }
  ).v;
  const machine = describeMachine(work, sqliteVersion);
  const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
  log(`${sizeName} run on ${machine.cpu} x${machine.cores}, node ${machine.node}`);
  const rows: Row[] = [];

  try {
    // 1. HTTP: the bare floor, commands and reads on the built API with its embedded store.
    if (runs('http')) rows.push(...(await measureHttp(work, size, log)));

    if (runs('store')) {
      // 2. In process, then the same appends through the raw ceiling and the peer.
      log(`in-process commands: ${size.inProcessCommands}`);
      const inProcess = await measureInProcessCommands(work, 100, size.inProcessCommands);
      const groupSize = inProcess.commands / inProcess.transactions;
      rows.push({
        measure: 'In-process commands, 100 callers (decide + append, synchronous=FULL)',
        value: `${fmt(inProcess.commandsPerSecond)} cmd/s; ${groupSize.toFixed(1)} commands per transaction`,
      });
      const peerAppends = inProcess.appends.slice(0, size.peerCommands);
      log(`raw better-sqlite3 ceiling: ${peerAppends.length} appends`);
      const raw = measureRawCeiling(work, peerAppends, groupSize);
      rows.push({
        measure: `Raw ceiling: plain better-sqlite3 inserts, ${raw.groupSize} per transaction`,
        value: `${fmt(raw.commandsPerSecond)} appends/s; ours = ${pct(inProcess.commandsPerSecond / raw.commandsPerSecond)} of it`,
      });
      log(`emmett-sqlite, grouped: ${peerAppends.length} appends`);
      const emmett = await measureEmmettGrouped(work, peerAppends, groupSize);
      rows.push({
        measure: `Peer: @event-driven-io/emmett-sqlite, ${raw.groupSize} appends per transaction`,
        value: `${fmt(emmett.commandsPerSecond)} appends/s; ours ${ratio(inProcess.commandsPerSecond / emmett.commandsPerSecond)}`,
      });
      const perCommandAppends = inProcess.appends.slice(0, size.peerPerCommand);
      log(`emmett-sqlite, per command: ${perCommandAppends.length} appends`);
      const emmettOne = await measureEmmettPerCommand(work, perCommandAppends);
      rows.push({
        measure: 'Peer: emmett-sqlite appendToStream, one transaction per command',
        value: `${fmt(emmettOne.commandsPerSecond)} appends/s; ours ${ratio(inProcess.commandsPerSecond / emmettOne.commandsPerSecond)}${emmettOne.busyRetries ? `; ${emmettOne.busyRetries} SQLITE_BUSY retried` : ''}`,
      });

      // The same command path against EventStoreDB, only where one is configured.
      const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
      if (esdb) {
        const esdbCommands = Math.min(size.inProcessCommands, 10_000);
        log(`EventStoreDB commands: ${esdbCommands}`);
        const result = await measureEventStoreDb(esdb, 100, esdbCommands);
        rows.push({
          measure:
            'EventStoreDB commands, 100 callers (tail read + append; EVENTSTORE_CONNECTION_STRING)',
          value: `${fmt(result.commandsPerSecond)} cmd/s; p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}`,
        });
        rows.push({
          measure: 'EventStoreDB stream reads, one stream after another',
          value: `${fmt(result.readEventsPerSecond)} events/s (${fmt(result.events)} events)`,
        });
      } else {
        log('EventStoreDB: not configured (EVENTSTORE_CONNECTION_STRING unset), not measured');
      }

      // 3. Projection lag under steady load.
      log(`projection lag: ${size.lagRate} cmd/s for ${size.lagSeconds} s`);
      const lag = await measureProjectionLag(work, size.lagRate, size.lagSeconds);
      rows.push({
        measure: `Projection lag at ${fmt(lag.rate)} cmd/s`,
        value: `p50 ${ms(lag.p50Ms)}, p99 ${ms(lag.p99Ms)}`,
        target: 'p99 < 100 ms',
        met: lag.p99Ms < 100,
      });

      // 4. A long history: replay, verification and as-of inside it.
      const historyDir = join(work, 'history');
      mkdirSync(historyDir, { recursive: true });
      const total = size.historyWorkspaces * size.eventsPerWorkspace;
      log(`writing a history of ~${fmt(total)} events`);
      let store = new SqliteEventStore({ path: join(historyDir, 'events.db') });
      let lastLogged = 0;
      const history = await writeHistory(
        store,
        size.historyWorkspaces,
        size.eventsPerWorkspace,
        (written) => {
          if (written - lastLogged >= 100_000) {
            lastLogged = written;
            log(`  ${fmt(written)} events written`);
          }
        },
      );
      await store.close();
      rows.push({
        measure: `History written through the store (${fmt(history.workspaces.length)} workspaces)`,
        value: `${fmt(history.events)} events in ${(history.ms / 1000).toFixed(1)} s`,
      });

      store = new SqliteEventStore({ path: join(historyDir, 'events.db') });
      log('replay');
      const replay = await measureReplay(store);
      rows.push({
        measure: `Replay: read the whole feed and evolve ${fmt(replay.workspaces)} workspaces`,
        value: `${fmt(replay.eventsPerSecond)} events/s (${fmt(replay.events)} events)`,
        target: '≥ 300,000 events/s',
        met: replay.eventsPerSecond >= 300_000,
      });
      const replayRow = rows[rows.length - 1];
      const rawRead = measureRawReadCeiling(join(historyDir, 'events.db'));
      rows.push({
        measure: 'Read ceiling: plain better-sqlite3 reads of the same rows, JSON parsed',
        value: `${fmt(rawRead.eventsPerSecond)} events/s; replay = ${pct(replay.eventsPerSecond / rawRead.eventsPerSecond)} of it`,
      });
      const extra = rawRead.eventsPerSecond / replay.eventsPerSecond - 1;
      replayRow.why =
        `Reading and parsing the rows alone runs at ${fmt(rawRead.eventsPerSecond)} events/s here. ` +
        'Replay also builds each event as the store port gives it (id, stream, revision, position, ' +
        'timestamp, chain link) and folds it through the pure evolve, which copies the touched ' +
        "workspace's connections (immutable state); with the garbage they make, that costs " +
        `${extra.toFixed(1)} times the read itself.`;
      log('chain verification');
      const verification = await measureVerification(
        store,
        history.workspaces.map((w) => w.workspaceId),
      );
      rows.push({
        measure: 'Hash-chain verification of every workspace stream',
        value: `${fmt(verification.eventsPerSecond)} events/s (${fmt(verification.events)} events)`,
        target: '≥ 150,000 events/s',
        met: verification.eventsPerSecond >= 150_000,
      });
      await store.close();

      log('as-of queries over HTTP');
      const historyApi = await startApi(historyDir, { LEDGER_RUN_WORKER_IN_API: 'false' });
      try {
        const asOf = await measureAsOf(historyApi, history.workspaces, size.asOfQueries);
        rows.push({
          measure: `As-of over HTTP in a history of ${fmt(history.events)} events`,
          value: `p50 ${ms(asOf.p50Ms)}, p99 ${ms(asOf.p99Ms)} (${asOf.queries} queries)`,
          target: 'p99 < 50 ms',
          met: asOf.p99Ms < 50,
        });
      } finally {
        await historyApi.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  process.stdout.write(renderConsole(rows, machine, sizeName));
  if (out) {
    writeFileSync(out, renderMarkdown(rows, machine, sizeName, size));
    log(`written to ${out}`);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const ratio = (n: number) => (n >= 1 ? `${n.toFixed(1)}x faster` : `${(1 / n).toFixed(1)}x slower`);

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
