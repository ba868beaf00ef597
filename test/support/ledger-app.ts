import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Platform } from '@ledger/domain';
import { AppModule } from '../../apps/api/src/app.module';
import { loadAppConfig, type AppConfig } from '@ledger/runtime';
import { configureHttpApp, createHttpAdapter } from '../../apps/api/src/http/http-edge';
import { CapturingLogger } from '../../apps/api/src/http/testing/test-app';
import { signTestToken, type TestRole } from './jwt';
import { testMongoUri, uniqueDatabaseName } from './mongo';
import { startPlatformFakes, type PlatformFakes, type PlatformIdentity } from './platform-fakes';
import { consentInBrowser } from './platform-servers/browser-consent';
import type { XApiUser } from './platform-servers/x-api-server';
import { makeTempDir } from './temp-dir';
import { cookiesSetBy } from './browser-cookies';
import { recordRoutes } from './app-routes';

export type ReadModelBackend = 'sqlite' | 'ferretdb';

export const JWT_SECRET = 'e2e-jwt-secret-0123456789abcdef0123456789';
export const PUBLIC_BASE_URL = 'http://127.0.0.1:3999';

export interface LedgerTestApp {
  app: INestApplication;
  server: Server;
  config: AppConfig;
  logs: CapturingLogger;
  dataDir: string;
  platforms: PlatformFakes;
  /** A bearer token for `sub` with these workspace roles. */
  token(workspaces: Record<string, TestRole>, sub?: string): string;
  /**
   * The whole OAuth flow over HTTP: POST `startPath` (or the connect route), the user's consent
   * at the platform as `identity`, then the callback from the same browser (with the binding
   * cookie the start set). Answers the callback's response, or the start's when the start was
   * refused.
   */
  connect<P extends Platform>(
    platform: P,
    workspaceId: string,
    bearer: string,
    identity: PlatformIdentity[P],
    body?: Record<string, unknown>,
    startPath?: string,
  ): Promise<request.Response>;
  connectX(
    workspaceId: string,
    bearer: string,
    user: XApiUser,
    body?: Record<string, unknown>,
  ): Promise<request.Response>;
  /** Secrets this app was given or issued, to check none of them leaks anywhere. */
  secrets: string[];
  close(): Promise<void>;
}

/**
 * The real API (AppModule) on an ephemeral port, on SQLite files in a temporary DATA_DIR,
 * with read models in SQLite or in FerretDB over the MongoDB wire, and the six platforms'
 * OAuth servers and APIs answering locally.
 */
export async function startLedgerApp(
  options: {
    readModels?: ReadModelBackend;
    env?: Record<string, string>;
    /**
     * False: the platform fakes still run, but the API is not told about them, so no platform
     * has credentials (the sandbox stands in for them outside production). Default true.
     */
    platformFakesEnv?: boolean;
    /**
     * Listen on a free port and make PUBLIC_BASE_URL point there, so the API can reach itself
     * at PUBLIC_BASE_URL (the sandbox's token and API endpoints). Default: an ephemeral port
     * and the fixed PUBLIC_BASE_URL.
     */
    reachablePublicBaseUrl?: boolean;
  } = {},
): Promise<LedgerTestApp> {
  const dir = makeTempDir('ledger-e2e-');
  const port = options.reachablePublicBaseUrl ? await freePort() : 0;
  const publicBaseUrl = port ? `http://127.0.0.1:${port}` : PUBLIC_BASE_URL;
  const platforms = await startPlatformFakes(publicBaseUrl);
  const encryptionKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    DATA_DIR: dir.path,
    JWT_SECRET,
    TOKEN_ENCRYPTION_KEYS: `k1:${encryptionKey}`,
    PUBLIC_BASE_URL: publicBaseUrl,
    ...(options.platformFakesEnv === false ? {} : platforms.env),
    ...(options.readModels === 'ferretdb'
      ? { MONGODB_URI: `${testMongoUri()}${uniqueDatabaseName('e2e')}` }
      : {}),
    ...options.env,
  };
  const config = loadAppConfig(env);
  const logs = new CapturingLogger();
  const app = await NestFactory.create(AppModule.forRoot(config), createHttpAdapter(config), {
    logger: logs,
    abortOnError: false,
  });
  recordRoutes(app);
  configureHttpApp(app);
  await app.listen(port, '127.0.0.1');
  const server = app.getHttpServer() as Server;

  const ledger: LedgerTestApp = {
    app,
    server,
    config,
    logs,
    dataDir: dir.path,
    platforms,
    secrets: [...platforms.clientSecrets, encryptionKey, JWT_SECRET],
    token: (workspaces, sub = 'user-1') => signTestToken({ sub, workspaces }, JWT_SECRET),
    async connect(platform, workspaceId, bearer, identity, body = {}, startPath) {
      const started = await request(server)
        .post(startPath ?? `/v1/workspaces/${workspaceId}/connections/oauth/${platform}`)
        .set('Authorization', `Bearer ${bearer}`)
        .send(body);
      if (started.status !== 201) return started;
      const accessToken = `${platform}-access-${randomUUID()}`;
      ledger.secrets.push(accessToken);
      platforms.register(platform, accessToken, identity);
      const consent = await consentInBrowser(started.body.authorizationUrl, { accessToken });
      return request(server)
        .get(`/v1/oauth/${platform}/callback`)
        .set('Cookie', cookiesSetBy(started))
        .query(consent.query);
    },
    connectX: (workspaceId, bearer, user, body) =>
      ledger.connect('x', workspaceId, bearer, user, body),
    async close() {
      await app.close();
      await platforms.stop();
      dir.remove();
    },
  };
  return ledger;
}

/** A port free right now (the app listens on it next; another process could race for it). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
