import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module';
import { loadAppConfig, type AppConfig } from '../../apps/api/src/config/app-config';
import { configureHttpApp } from '../../apps/api/src/http/http-edge';
import { CapturingLogger } from '../../apps/api/src/http/testing/test-app';
import { signTestToken, type TestRole } from './jwt';
import { testMongoUri, uniqueDatabaseName } from './mongo';
import {
  consentInBrowser,
  startXApiServer,
  startXOAuthServer,
  type XApiServer,
  type XApiUser,
  type XOAuthServer,
} from './platform-servers';
import { makeTempDir } from './temp-dir';

export type ReadModelBackend = 'sqlite' | 'ferretdb';

export const X_CLIENT_ID = 'ledger-x-client';
export const X_CLIENT_SECRET = 'x-client-secret-never-to-be-seen';
export const JWT_SECRET = 'e2e-jwt-secret-0123456789abcdef0123456789';

export interface LedgerTestApp {
  app: INestApplication;
  server: Server;
  config: AppConfig;
  logs: CapturingLogger;
  dataDir: string;
  xOAuth: XOAuthServer;
  xApi: XApiServer;
  /** A bearer token for `sub` with these workspace roles. */
  token(workspaces: Record<string, TestRole>, sub?: string): string;
  /** Runs the whole X OAuth flow over HTTP: start, the user's consent, the callback. */
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
 * with read models in SQLite or in FerretDB over the MongoDB wire, and X's OAuth server and
 * API answering locally.
 */
export async function startLedgerApp(
  options: { readModels?: ReadModelBackend; env?: Record<string, string> } = {},
): Promise<LedgerTestApp> {
  const dir = makeTempDir('ledger-e2e-');
  const xApi = await startXApiServer();
  const publicBaseUrl = 'http://127.0.0.1:3999';
  const xOAuth = await startXOAuthServer({
    clientId: X_CLIENT_ID,
    clientSecret: X_CLIENT_SECRET,
    redirectUris: [`${publicBaseUrl}/v1/oauth/x/callback`],
  });
  const encryptionKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    DATA_DIR: dir.path,
    JWT_SECRET,
    TOKEN_ENCRYPTION_KEYS: `k1:${encryptionKey}`,
    PUBLIC_BASE_URL: publicBaseUrl,
    X_CLIENT_ID,
    X_CLIENT_SECRET,
    X_AUTH_URL: xOAuth.authorizationUrl,
    X_TOKEN_URL: xOAuth.tokenUrl,
    X_API_URL: xApi.baseUrl,
    ...(options.readModels === 'ferretdb'
      ? { MONGODB_URI: `${testMongoUri()}${uniqueDatabaseName('e2e')}` }
      : {}),
    ...options.env,
  };
  const config = loadAppConfig(env);
  const logs = new CapturingLogger();
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: logs });
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const issuedAccessTokens: string[] = [];

  const ledger: LedgerTestApp = {
    app,
    server,
    config,
    logs,
    dataDir: dir.path,
    xOAuth,
    xApi,
    secrets: [X_CLIENT_SECRET, encryptionKey, JWT_SECRET],
    token: (workspaces, sub = 'user-1') => signTestToken({ sub, workspaces }, JWT_SECRET),
    async connectX(workspaceId, bearer, user, body = {}) {
      const started = await request(server)
        .post(`/v1/workspaces/${workspaceId}/connections/oauth/x`)
        .set('Authorization', `Bearer ${bearer}`)
        .send(body);
      if (started.status !== 201) return started;
      const accessToken = `x-access-${randomUUID()}`;
      issuedAccessTokens.push(accessToken);
      ledger.secrets.push(accessToken);
      xApi.registerToken(accessToken, user);
      const consent = await consentInBrowser(started.body.authorizationUrl, { accessToken });
      return request(server).get('/v1/oauth/x/callback').query(consent.query);
    },
    async close() {
      await app.close();
      await xOAuth.stop();
      await xApi.stop();
      dir.remove();
    },
  };
  return ledger;
}
