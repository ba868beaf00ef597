import { Controller, HttpCode, Inject, Param } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Clock } from '@ledger/commands';
import { signTestToken } from '@ledger/testing/jwt';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { Roles } from '../http/auth/auth.decorators';
import { CurrentActor, type Actor } from '../http/auth/current-actor.decorator';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from '../http/testing/test-app';
import { CLOCK, MONGO_CONNECTION } from '@ledger/runtime';
import { ConnectionAttemptLimiter } from './connection-attempt-limiter';
import { connectionAttemptProviders } from './connection-attempts.providers';
import { IdempotentPost } from '../http/idempotency/idempotent-post';

/** Stands in for the OAuth start route: checks the limiter, then answers an authorize URL. */
@Controller('v1/workspaces/:ws/connections')
class OAuthStartController {
  constructor(
    @Inject(ConnectionAttemptLimiter) private readonly attempts: ConnectionAttemptLimiter,
  ) {}

  @IdempotentPost('oauth/:platform')
  @Roles('owner', 'admin')
  @HttpCode(201)
  async start(@CurrentActor() actor: Actor, @Param('ws') ws: string) {
    const { remaining } = await this.attempts.check(actor, ws);
    return { authorizationUrl: 'https://platform.example/authorize', remaining };
  }
}

const MINUTE = 60_000;
const T0 = new Date('2030-01-01T09:00:00Z').getTime();

describe('connection attempt limit over HTTP (SQLite log in DATA_DIR)', () => {
  let t: TestApp;
  let dataDir: { path: string; remove(): void };
  let nowMs = T0;
  const clock: Clock = { now: () => new Date(nowMs) };

  async function start(env: Record<string, string> = {}) {
    return createTestApp({
      controllers: [OAuthStartController],
      env: { DATA_DIR: dataDir.path, ...env },
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: MONGO_CONNECTION, useValue: null },
        ...connectionAttemptProviders(),
      ],
    });
  }

  beforeAll(async () => {
    dataDir = makeTempDir('ledger-attempts-http-');
    t = await start();
  });
  afterAll(async () => {
    await t.close();
    dataDir.remove();
  });

  const token = (sub: string, workspaces: Record<string, string>) =>
    signTestToken({ sub, workspaces }, TEST_JWT_SECRET);
  const post = (server: TestApp['server'], ws: string, bearer: string, platform = 'facebook') =>
    request(server)
      .post(`/v1/workspaces/${ws}/connections/oauth/${platform}`)
      .set('Authorization', `Bearer ${bearer}`)
      .send({});

  it('answers the 11th attempt in an hour with 429 problem+json and Retry-After', async () => {
    const alice = token('alice', { 'ws-1': 'admin', 'ws-2': 'owner' });
    for (let i = 0; i < 10; i += 1) {
      nowMs = T0 + i * MINUTE;
      const res = await post(t.server, 'ws-1', alice, i % 2 === 0 ? 'facebook' : 'x');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        authorizationUrl: 'https://platform.example/authorize',
        remaining: 9 - i,
      });
    }
    expect(existsSync(join(dataDir.path, 'connection-attempts.sqlite'))).toBe(true);

    nowMs = T0 + 20 * MINUTE;
    const res = await post(t.server, 'ws-1', alice);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The first attempt (T0) leaves the hour at T0+60m: 40 minutes from now.
    expect(res.headers['retry-after']).toBe('2400');
    expect(res.body).toMatchObject({
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      retryAfterSeconds: 2400,
      limit: 10,
      windowSeconds: 3600,
      detail:
        'Too many connection attempts in this workspace: try again in 40 minutes (at most 10 per hour)',
    });

    // Refused again a little later: Retry-After counts down, the refusals did not extend it.
    nowMs = T0 + 59 * MINUTE + 30_000;
    const later = await post(t.server, 'ws-1', alice);
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('30');

    // Another user in the workspace, and alice in another workspace, are not affected.
    expect((await post(t.server, 'ws-1', token('bob', { 'ws-1': 'owner' }))).status).toBe(201);
    expect((await post(t.server, 'ws-2', alice)).status).toBe(201);

    // Once T0 leaves the window, one attempt fits again, and then the window is full again.
    nowMs = T0 + 60 * MINUTE;
    expect((await post(t.server, 'ws-1', alice)).status).toBe(201);
    const full = await post(t.server, 'ws-1', alice);
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('60');
  });

  it('honours CONNECTION_ATTEMPTS_PER_HOUR and shares the file with another API process', async () => {
    // A second app on the same DATA_DIR, as a second API process would run, with a limit of 3.
    const other = await start({ CONNECTION_ATTEMPTS_PER_HOUR: '3' });
    try {
      nowMs = T0 + 10 * 60 * MINUTE;
      const carol = token('carol', { 'ws-9': 'admin' });
      // Attempts alternate between the two processes: one window for both.
      expect((await post(t.server, 'ws-9', carol)).status).toBe(201);
      expect((await post(other.server, 'ws-9', carol)).status).toBe(201);
      expect((await post(t.server, 'ws-9', carol)).status).toBe(201);
      const refused = await post(other.server, 'ws-9', carol);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ limit: 3, code: 'RATE_LIMIT_EXCEEDED' });
      expect(refused.headers['retry-after']).toBe('3600');
    } finally {
      await other.close();
    }
  });
});
