import { join } from 'node:path';
import type { INestApplication, LoggerService, Provider, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import { makeTempDir } from '@ledger/testing/temp-dir';
import {
  loadAppConfig,
  type AppConfig,
  AppConfigModule,
  IDEMPOTENCY_STORE,
  type IdempotencyStore,
  SqliteIdempotencyStore,
} from '@ledger/runtime';
import { configureHttpApp, createHttpAdapter, httpEdgeProviders } from '../http-edge';

export const TEST_JWT_SECRET = 'test-secret-for-the-http-edge-0123456789abcdef';

/** Collects everything Nest and our code log, so tests can assert what reaches the logs. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push([level, message, ...rest].map((part) => String(part)).join(' '));
  }
  log(message: unknown, ...rest: unknown[]) {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.record('verbose', message, rest);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: INestApplication;
  server: Server;
  config: AppConfig;
  logs: CapturingLogger;
  close(): Promise<void>;
}

export interface TestAppOptions {
  controllers: Type[];
  providers?: Provider[];
  env?: Record<string, string>;
  /** Defaults to a SQLite store in a temporary directory. */
  idempotencyStore?: IdempotencyStore;
  openApi?: boolean;
}

/**
 * A small Nest app wired like the real one (global filter, pipe, guard, interceptor,
 * correlation ids), listening on an ephemeral port so supertest speaks real HTTP to it.
 */
export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, ...options.env });
  const tempDir = options.idempotencyStore ? undefined : makeTempDir('ledger-http-');
  const store =
    options.idempotencyStore ??
    SqliteIdempotencyStore.open({ sqlitePath: join(tempDir!.path, 'idempotency.sqlite') });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config)],
    controllers: options.controllers,
    providers: [
      ...httpEdgeProviders(),
      { provide: IDEMPOTENCY_STORE, useValue: store },
      ...(options.providers ?? []),
    ],
  }).compile();
  const logs = new CapturingLogger();
  const app = moduleRef.createNestApplication(createHttpAdapter(config), { logger: logs });
  configureHttpApp(app, { openApi: options.openApi ?? false });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    server: app.getHttpServer() as Server,
    config,
    logs,
    close: async () => {
      await app.close();
      if (store instanceof SqliteIdempotencyStore && tempDir) {
        store.close();
        tempDir.remove();
      }
    },
  };
}
