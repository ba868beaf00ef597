import { join } from 'node:path';
import { Body, Controller, Get, Param, Res } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import type { HttpReply } from '../http-exchange';
import mongoose from 'mongoose';
import request from 'supertest';
import { DomainError } from '@ledger/domain';
import { signTestToken } from '@ledger/testing/jwt';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { Public, Roles } from '../auth/auth.decorators';
import { setEtag } from '../etag';
import { RateLimitExceededError } from '../rate-limit-exceeded.error';
import { TEST_JWT_SECRET, createTestApp, type TestApp } from '../testing/test-app';
import {
  type IdempotencyStore,
  MongoIdempotencyStore,
  SqliteIdempotencyStore,
} from '@ledger/runtime';
import { IDEMPOTENCY_OPTIONS, IdempotencyKey } from './idempotency.interceptor';
import { IdempotentPost } from './idempotent-post';

class CreateDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  mode?: string;
}

/** What the handlers did, so tests can count real executions. */
const calls = { create: 0, flaky: 0, refuse: 0, limited: 0, slow: 0, public: 0 };
/** Holds the slow handler until the test releases it. */
function makeGate() {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  return { release, started, markStarted, gate };
}
let gate = makeGate();

@Controller('v1/workspaces/:ws/things')
@Roles('owner', 'admin')
class ThingsController {
  @IdempotentPost()
  create(
    @Param('ws') ws: string,
    @Body() body: CreateDto,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: HttpReply,
  ): { id: string; name: string; key: string | null; call: number } {
    calls.create += 1;
    const id = `thing-${calls.create}`;
    res.header('Location', `/v1/workspaces/${ws}/things/${id}`);
    setEtag(res, 1);
    res.header('X-Not-Replayed', 'yes');
    return { id, name: body.name, key: key ?? null, call: calls.create };
  }

  @IdempotentPost('flaky')
  flaky(): { ok: true; call: number } {
    calls.flaky += 1;
    if (calls.flaky === 1) throw new Error('database hiccup');
    return { ok: true, call: calls.flaky };
  }

  @IdempotentPost('refuse')
  refuse(): never {
    calls.refuse += 1;
    throw new DomainError('PLAN_LIMIT_REACHED', 'Plan limit reached', {
      plan: 'free',
      limit: 1,
      platform: 'x',
    });
  }

  @IdempotentPost('limited')
  limited(): { ok: true } {
    calls.limited += 1;
    if (calls.limited === 1) throw new RateLimitExceededError(30);
    return { ok: true };
  }

  @IdempotentPost('slow')
  async slow(): Promise<{ ok: true }> {
    calls.slow += 1;
    gate.markStarted();
    await gate.gate;
    return { ok: true };
  }

  @Get()
  list(): { call: number } {
    calls.create += 1;
    return { call: calls.create };
  }
}

@Controller('open')
class OpenController {
  @Public()
  @IdempotentPost()
  open(): { call: number } {
    calls.public += 1;
    return { call: calls.public };
  }
}

const clock = { now: new Date('2030-01-01T00:00:00Z') };

const STORES: Array<[string, () => Promise<{ store: IdempotencyStore; close(): Promise<void> }>]> =
  [
    [
      'SQLite',
      async () => {
        const dir = makeTempDir('ledger-idem-http-');
        const store = SqliteIdempotencyStore.open({
          sqlitePath: join(dir.path, 'idempotency.sqlite'),
        });
        return { store, close: async () => (store.close(), dir.remove()) };
      },
    ],
    [
      'MongoDB (FerretDB)',
      async () => {
        const connection = await mongoose
          .createConnection(testMongoUri(), { dbName: uniqueDatabaseName('idem_http') })
          .asPromise();
        const store = await MongoIdempotencyStore.open({ mongo: connection });
        return {
          store,
          close: async () => {
            await connection.dropDatabase();
            await connection.close();
          },
        };
      },
    ],
  ];

/** The store as given, counting the renewals that went through. */
function countingRenewals(store: IdempotencyStore): IdempotencyStore & { renewals: number } {
  const counting = {
    renewals: 0,
    claim: store.claim.bind(store),
    complete: store.complete.bind(store),
    release: store.release.bind(store),
    purgeExpired: store.purgeExpired.bind(store),
    renew: async (id: string, token: string, leaseUntil: Date) => {
      const held = await store.renew(id, token, leaseUntil);
      counting.renewals += 1;
      return held;
    },
  };
  return counting;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(STORES)('Idempotency-Key over HTTP with the %s store', (_name, openStore) => {
  let t: TestApp;
  /** Another API process on the same store, which can tell that process-a died. */
  let restarted: TestApp;
  let shared: ReturnType<typeof countingRenewals>;
  let closeStore: () => Promise<void>;
  let n = 0;
  const key = () => `key-${++n}-${Math.random().toString(36).slice(2)}`;
  const alice = signTestToken({ sub: 'alice', workspaces: { w1: 'owner' } }, TEST_JWT_SECRET);
  const bob = signTestToken({ sub: 'bob', workspaces: { w1: 'admin' } }, TEST_JWT_SECRET);
  const post = (path: string, token = alice) =>
    request(t.server)
      .post(`/v1/workspaces/w1/things${path}`)
      .set('Authorization', `Bearer ${token}`);

  const postTo = (app: TestApp, path: string) =>
    request(app.server)
      .post(`/v1/workspaces/w1/things${path}`)
      .set('Authorization', `Bearer ${alice}`);

  beforeAll(async () => {
    const { store, close } = await openStore();
    closeStore = close;
    shared = countingRenewals(store);
    const options = (more: Record<string, unknown>) => ({
      provide: IDEMPOTENCY_OPTIONS,
      useValue: { now: () => clock.now, ...more },
    });
    t = await createTestApp({
      controllers: [ThingsController, OpenController],
      idempotencyStore: shared,
      providers: [options({ holder: 'process-a', holderIsGone: () => false })],
    });
    restarted = await createTestApp({
      controllers: [ThingsController, OpenController],
      idempotencyStore: shared,
      providers: [
        options({
          holder: 'process-b',
          holderIsGone: (holder: string) => holder === 'process-a',
          renewEveryMs: 10,
        }),
      ],
    });
  });
  afterAll(async () => {
    await t.close();
    await restarted.close();
    await closeStore();
  });
  beforeEach(() => {
    for (const name of Object.keys(calls) as Array<keyof typeof calls>) calls[name] = 0;
    gate = makeGate();
    clock.now = new Date('2030-01-01T00:00:00Z');
  });

  it('replays the first response without running the handler again', async () => {
    const k = key();
    const first = await post('').set('Idempotency-Key', k).send({ name: 'a', mode: 'x' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: 'thing-1', name: 'a', key: k, call: 1 });
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // same body with its keys in another order is the same request
    const second = await post('').set('Idempotency-Key', k).send({ mode: 'x', name: 'a' });
    expect(calls.create).toBe(1);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.location).toBe('/v1/workspaces/w1/things/thing-1');
    expect(second.headers.etag).toBe('W/"1"');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['x-not-replayed']).toBeUndefined();
  });

  it('runs the handler each time without a key', async () => {
    await post('').send({ name: 'a' });
    await post('').send({ name: 'a' });
    expect(calls.create).toBe(2);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const k = key();
    await post('').set('Idempotency-Key', k).send({ name: 'a' });
    const res = await post('').set('Idempotency-Key', k).send({ name: 'b' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(calls.create).toBe(1);
  });

  it('refuses the same key on another path: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const k = key();
    await post('').set('Idempotency-Key', k).send({ name: 'a' });
    const res = await post('/refuse').set('Idempotency-Key', k).send({ name: 'a' });
    expect(res.status).toBe(422);
    expect(calls.refuse).toBe(0);
  });

  it('scopes keys per user: the same key from another user runs on its own', async () => {
    const k = key();
    const a = await post('', alice).set('Idempotency-Key', k).send({ name: 'a' });
    const b = await post('', bob).set('Idempotency-Key', k).send({ name: 'a' });
    expect(calls.create).toBe(2);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request runs, Retry-After the seconds left on its claim', async () => {
    const k = key();
    const first = post('/slow')
      .set('Idempotency-Key', k)
      .send({})
      .then((r) => r);
    await gate.started;
    const concurrent = await post('/slow').set('Idempotency-Key', k).send({});
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(concurrent.headers['retry-after']).toBe('3');
    clock.now = new Date(clock.now.getTime() + 2200);
    const later = await post('/slow').set('Idempotency-Key', k).send({});
    expect(later.status).toBe(409);
    expect(later.headers['retry-after']).toBe('1');
    gate.release();
    expect((await first).status).toBe(201);
    const after = await post('/slow').set('Idempotency-Key', k).send({});
    expect(after.status).toBe(201);
    expect(calls.slow).toBe(1);
  });

  it('a retry on a restarted process takes over at once the key of a request whose process died, runs it and stores its answer', async () => {
    const k = key();
    const dying = postTo(t, '/slow')
      .set('Idempotency-Key', k)
      .send({})
      .then((r) => r);
    await gate.started;
    // process-a "died" with the key in flight; its claim has all of its lease left.
    const retry = postTo(restarted, '/slow')
      .set('Idempotency-Key', k)
      .send({})
      .then((r) => r);
    await until(() => calls.slow === 2, 'the retry to run the handler');
    gate.release();
    expect((await retry).status).toBe(201);
    // The first holder finishing late stores nothing; the retry's answer is the one replayed.
    expect((await dying).status).toBe(201);
    const again = await postTo(t, '/slow').set('Idempotency-Key', k).send({});
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.slow).toBe(2);
  });

  it("renews a running request's claim, so a slow request keeps its key past its first lease", async () => {
    const k = key();
    const slow = postTo(restarted, '/slow')
      .set('Idempotency-Key', k)
      .send({})
      .then((r) => r);
    await gate.started;
    clock.now = new Date(clock.now.getTime() + 2000);
    const before = shared.renewals;
    await until(() => shared.renewals >= before + 2, 'a renewal at the new time');
    // 4 s after the claim: past its first lease (3 s), within the renewed one (until 5 s).
    clock.now = new Date(clock.now.getTime() + 2000);
    const concurrent = postTo(t, '/slow')
      .set('Idempotency-Key', k)
      .send({})
      .then((r) => r);
    // Answered at once; taken over instead, it would run the handler (and wait at the gate).
    let answered = false;
    await Promise.race([
      concurrent.then(() => (answered = true)),
      until(() => answered || calls.slow === 2, 'an answer or a second run'),
    ]);
    gate.release();
    expect((await concurrent).status).toBe(409);
    expect((await slow).status).toBe(201);
    expect(calls.slow).toBe(1);
  });

  it('does not store a 5xx: the retry runs and succeeds', async () => {
    const k = key();
    const first = await post('/flaky').set('Idempotency-Key', k).send({});
    expect(first.status).toBe(500);
    const retry = await post('/flaky').set('Idempotency-Key', k).send({});
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ ok: true, call: 2 });
    const replay = await post('/flaky').set('Idempotency-Key', k).send({});
    expect(replay.body).toEqual({ ok: true, call: 2 });
    expect(calls.flaky).toBe(2);
  });

  it('stores a domain refusal and replays it as problem+json', async () => {
    const k = key();
    const first = await post('/refuse')
      .set('Idempotency-Key', k)
      .set('X-Correlation-Id', 'c-1')
      .send({});
    const second = await post('/refuse')
      .set('Idempotency-Key', k)
      .set('X-Correlation-Id', 'c-2')
      .send({});
    expect(calls.refuse).toBe(1);
    for (const res of [first, second]) {
      expect(res.status).toBe(402);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'PLAN_LIMIT_REACHED', plan: 'free', limit: 1 });
    }
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['x-correlation-id']).toBe('c-2');
    expect(second.body.correlationId).toBeUndefined();
  });

  it('does not store a rate-limit refusal: the retry runs', async () => {
    const k = key();
    const first = await post('/limited').set('Idempotency-Key', k).send({});
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('30');
    expect((await post('/limited').set('Idempotency-Key', k).send({})).status).toBe(201);
    expect(calls.limited).toBe(2);
  });

  it('does not store a validation failure: the fixed body may reuse the key', async () => {
    const k = key();
    const bad = await post('').set('Idempotency-Key', k).send({ name: 5 });
    expect(bad.status).toBe(400);
    const good = await post('').set('Idempotency-Key', k).send({ name: 'fixed' });
    expect(good.status).toBe(201);
    expect(calls.create).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    const k = key();
    await post('').set('Idempotency-Key', k).send({ name: 'a' });
    clock.now = new Date(clock.now.getTime() + 24 * 3600 * 1000 - 1);
    await post('').set('Idempotency-Key', k).send({ name: 'a' });
    expect(calls.create).toBe(1);
    clock.now = new Date(clock.now.getTime() + 1);
    const later = await post('').set('Idempotency-Key', k).send({ name: 'a' });
    expect(later.body.call).toBe(2);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['non-ASCII', 'clé'],
  ])('refuses a malformed key (%s) with 400 VALIDATION_FAILED', async (_label, bad) => {
    const res = await post('').set('Idempotency-Key', bad).send({ name: 'a' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', messages: [expect.any(String)] }]);
    expect(calls.create).toBe(0);
  });

  it('accepts a 255-character key', async () => {
    const res = await post('').set('Idempotency-Key', 'k'.repeat(255)).send({ name: 'a' });
    expect(res.status).toBe(201);
  });

  it('leaves GETs and public routes alone', async () => {
    const k = key();
    await request(t.server)
      .get('/v1/workspaces/w1/things')
      .set('Authorization', `Bearer ${alice}`)
      .set('Idempotency-Key', k);
    await request(t.server)
      .get('/v1/workspaces/w1/things')
      .set('Authorization', `Bearer ${alice}`)
      .set('Idempotency-Key', k);
    expect(calls.create).toBe(2);
    await request(t.server).post('/open').set('Idempotency-Key', k);
    await request(t.server).post('/open').set('Idempotency-Key', k);
    expect(calls.public).toBe(2);
  });

  it('checks auth before the key: no token, 401, nothing stored', async () => {
    const k = key();
    const res = await request(t.server)
      .post('/v1/workspaces/w1/things')
      .set('Idempotency-Key', k)
      .send({ name: 'a' });
    expect(res.status).toBe(401);
    expect((await post('').set('Idempotency-Key', k).send({ name: 'a' })).status).toBe(201);
  });
});
