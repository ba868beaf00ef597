import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Writable } from 'node:stream';
import { AuditVerifier } from '@ledger/audit';
import { comparePositions, ProjectionRunner, type WorkspaceReadModel } from '@ledger/read-models';
import type { EventStore } from '@ledger/event-store';
import { AuditProjection, type AuditStore } from '@ledger/read-models/audit';
import {
  AppConfigModule,
  AUDIT_STORE,
  auditPages,
  AuditTrailStoreModule,
  AuditVerificationModule,
  ConnectionHistoryQuery,
  ConnectionQueries,
  CONNECTIONS_PROJECTION,
  WORKSPACE_READ_MODEL,
  EVENT_STORE,
  StorageModule,
  type AppConfig,
} from '@ledger/runtime';
import { ProgressBar } from './progress';

export interface CliIo {
  out: Writable;
  err: Writable;
}

const USAGE = `Usage: ledger <command>
  history <workspaceId> <connectionId>   every event of one connection (JSON Lines)
  as-of <workspaceId> <instant>          the workspace's connections as they stood then (JSON)
  audit-export <workspaceId>             every event of the workspace with its actor (JSON Lines)
  verify <workspaceId>                   check the hash chain and signed checkpoints; exit 1 if tampered
  rebuild                                rebuild the read models from the events`;

/**
 * The compliance CLI, on whichever store the configuration names (SQLite under DATA_DIR, or
 * EventStoreDB/MongoDB). Returns the exit code: 0 done, 1 verification failed, 2 bad usage.
 */
export async function runCli(argv: string[], io: CliIo, config: AppConfig): Promise<number> {
  const [command, ...args] = argv;
  if (!command || !COMMANDS[command] || args.length < COMMANDS[command].arity) {
    io.err.write(`${USAGE}\n`);
    return 2;
  }

  @Module({
    imports: [
      AppConfigModule.forRoot({ ...config, runsBackgroundWork: false }),
      StorageModule,
      AuditVerificationModule,
      AuditTrailStoreModule,
    ],
    providers: [ConnectionHistoryQuery, ConnectionQueries],
  })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, { logger: false });
  try {
    return await COMMANDS[command].run(app, args, io);
  } finally {
    await app.close();
  }
}

type Command = {
  arity: number;
  run(app: INestApplicationContext, args: string[], io: CliIo): Promise<number>;
};

const COMMANDS: Record<string, Command> = {
  history: {
    arity: 2,
    async run(app, [ws, connectionId], io) {
      for (const entry of await app.get(ConnectionHistoryQuery).forConnection(ws, connectionId)) {
        io.out.write(`${JSON.stringify(entry)}\n`);
      }
      return 0;
    },
  },
  'as-of': {
    arity: 2,
    async run(app, [ws, instant], io) {
      if (Number.isNaN(Date.parse(instant))) {
        io.err.write(`not an ISO 8601 instant: ${instant}\n`);
        return 2;
      }
      io.out.write(
        `${JSON.stringify(await app.get(ConnectionQueries).asOf(ws, instant), null, 2)}\n`,
      );
      return 0;
    },
  },
  'audit-export': {
    arity: 1,
    async run(app, [ws], io) {
      // The audit trail: every event and every refused attempt, page by page (flat memory).
      const progress = new ProgressBar(io.err, 'exported audit entries');
      let count = 0;
      const store = app.get<AuditStore>(AUDIT_STORE);
      for await (const page of auditPages(store, app.get(AuditProjection), ws, {}, null)) {
        for (const entry of page) io.out.write(`${JSON.stringify(entry)}\n`);
        count += page.length;
        progress.update(count, null);
      }
      progress.finish(count, null);
      return 0;
    },
  },
  verify: {
    arity: 1,
    async run(app, [ws], io) {
      const result = await app.get(AuditVerifier).verifyWorkspace(ws);
      io.out.write(`${JSON.stringify(result, null, 2)}\n`);
      const { firstBadEvent: bad, missingCheckpoint: missing, badCheckpoint: link } = result;
      if (bad) io.err.write(`TAMPERED: ${bad.streamId} revision ${bad.revision}: ${bad.problem}\n`);
      if (missing) {
        io.err.write(
          `TAMPERED: ${missing.streamId} revision ${missing.revision}: no signed checkpoint, due by ${missing.dueBy}\n`,
        );
      }
      if (link) {
        io.err.write(
          `TAMPERED: ${link.streamId} checkpoint ${link.sequence ?? 'legacy'} (revision ${link.revision}): ${link.problem}\n`,
        );
      }
      return result.ok ? 0 : 1;
    },
  },
  rebuild: {
    arity: 0,
    async run(app, _args, io) {
      const store = app.get<EventStore>(EVENT_STORE);
      const readModel = app.get<WorkspaceReadModel>(WORKSPACE_READ_MODEL);
      const head = await lastPosition(store);
      const progress = new ProgressBar(io.err, 'rebuilding read models');
      const total = head && /^\d+$/.test(head) ? Number(head) : null;
      const timer = setInterval(() => {
        void readModel.getCheckpoint(CONNECTIONS_PROJECTION).then((at) => {
          if (at && total !== null) progress.update(Number(at), total);
        });
      }, 100);
      try {
        await app.get(ProjectionRunner).rebuild();
      } finally {
        clearInterval(timer);
      }
      const at = await readModel.getCheckpoint(CONNECTIONS_PROJECTION);
      progress.finish(at && total !== null ? Number(at) : 0, total);
      if (head && (!at || comparePositions(at, head) < 0)) {
        io.err.write('the rebuild stopped before the end of the events\n');
        return 1;
      }
      return 0;
    },
  },
};

async function lastPosition(store: EventStore): Promise<string | null> {
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return after;
    after = page[page.length - 1].position;
  }
}
