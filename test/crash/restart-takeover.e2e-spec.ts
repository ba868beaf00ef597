import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/ferretdb';
import { signTestToken } from '../support/jwt';
import { makeTempDir } from '../support/temp-dir';
import { ApiProcess, buildApi, REPO_ROOT, ServiceLog, type ApiBuild } from './api-process';
import { readEvents, rowsOf } from './crash-checks';
import { startPlatformFakes, type PlatformFakes } from '../support/platform-fakes';
import { call, CommandLedger, LoadGenerator, type HttpAnswer, type LoadTarget } from './crash-load';

const JWT_SECRET = `takeover-test-${randomBytes(24).toString('hex')}`;
const WORKSPACE = 'takeover-ws';
const USER = 'takeover-owner';
const PROJECTION_LEASE = 'projection:connections';
/** Far longer than the test: only the takeover of a dead holder can free these. */
const DEAD_HOLDER_TTL_MS = 10 * 60 * 1000;

interface LeaseRow {
  holder: string;
  token: number;
  expires_at: number;
}

interface ClaimRow {
  state: string;
  holder: string;
  expires_at: number;
}

/**
 * Issue 10, item 9: after a SIGKILL, a process restarted on the same machine takes over at
 * once what the killed processes held, instead of waiting for their expiry: the projection
 * lease (held here for ten minutes by a process that then dies) and an in-flight
 * Idempotency-Key (claimed, with its command's events appended, by an API process killed while
 * it waited for the read model before answering, its claim set to last five minutes). The retry with the same key answers within
 * 2 s of the restarted API's readiness, and the command is recorded once.
 *
 * Real OS processes on the embedded store (SQLite files in one DATA_DIR), as test/crash does.
 */
describe('a restart after SIGKILL takes over the dead processes\u2019 lease and key at once (issue 10)', () => {
  let build: ApiBuild | undefined;
  let work: { path: string; remove(): void } | undefined;
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;
  let bearer: string;
  let fakes: PlatformFakes | undefined;
  let target: LoadTarget;
  const ledger = new CommandLedger([WORKSPACE]);
  const log = new ServiceLog();
  const running: ApiProcess[] = [];
  let holder: ChildProcess | undefined;

  async function startApi(extra: Record<string, string>, generation: number): Promise<ApiProcess> {
    const api = ApiProcess.spawn(build!, { ...env, ...extra }, port, generation, log);
    running.push(api);
    await api.waitUntilReady();
    return api;
  }

  const leaseRow = () =>
    rowsOf(
      join(dataDir, 'leases.sqlite'),
      `SELECT holder, token, expires_at FROM leases WHERE name = '${PROJECTION_LEASE}'`,
    )[0] as LeaseRow | undefined;

  /** The record of `key` (its id is the hash of user and key, as the interceptor makes it). */
  const claimOf = (key: string) =>
    rowsOf(
      join(dataDir, 'idempotency.sqlite'),
      `SELECT state, holder, expires_at FROM idempotency_records WHERE id = '${createHash('sha256')
        .update(`${USER}\u0000${key}`)
        .digest('hex')}'`,
    )[0] as ClaimRow | undefined;

  const eventsOf = (correlationId: string) =>
    readEvents(dataDir).filter((e) => e.metadata.correlationId === correlationId);

  beforeAll(async () => {
    build = buildApi();
    work = makeTempDir('ledger-takeover-');
    dataDir = join(work.path, 'data');
    mkdirSync(dataDir);
    port = await freePort();
    fakes = await startPlatformFakes(`http://127.0.0.1:${port}`);
    env = {
      ...fakes.env,
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      JWT_SECRET,
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'der' })
        .toString('base64'),
      TOKEN_REFRESH_EVERY_SECONDS: '86400',
      HEALTH_CHECK_EVERY_SECONDS: '2073600',
    };
    bearer = signTestToken({ sub: USER, workspaces: { [WORKSPACE]: 'owner' } }, JWT_SECRET, {
      expiresIn: '1h',
    });
    const x = fakes.x.api;
    target = { port, bearer, registerXUser: (token, user) => x.registerToken(token, user) };
  }, 60_000);

  afterAll(async () => {
    for (const api of running) await api.kill();
    holder?.kill('SIGKILL');
    await fakes?.stop();
    work?.remove();
    build?.remove();
  }, 30_000);

  it('answers the retry of a killed command within 2 s of readiness, records it once, and holds the projection lease the dead holder had for ten minutes', async () => {
    try {
      // 0. A workspace with two X accounts, the first one main; then that API dies.
      const setup = await startApi({}, 0);
      const load = new LoadGenerator(target, ledger, 0);
      for (const command of [
        await load.command(WORKSPACE, 'changePlan'),
        await load.connect(WORKSPACE),
        await load.connect(WORKSPACE),
      ]) {
        expect(`${command.kind} ${command.outcome}`).toBe(`${command.kind} acknowledged`);
      }
      const second = ledger.liveConnections(WORKSPACE)[1];
      await setup.kill();

      // 1. A process takes the projection lease for ten minutes, then dies.
      holder = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(REPO_ROOT, 'libs/leases/src/fixtures/lease-holder.ts'),
          join(dataDir, 'leases.sqlite'),
          PROJECTION_LEASE,
          String(DEAD_HOLDER_TTL_MS),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        holder!.stdout!.on(
          'data',
          (chunk: Buffer) => chunk.toString().includes('held') && resolve(),
        );
        holder!.once('exit', (code) => reject(new Error(`the lease holder exited (${code})`)));
      });
      const dead = leaseRow()!;
      expect(dead.holder).toContain(`:${holder.pid}:`);

      // 2. An API that runs no projection claims a key (for five minutes), appends the
      //    command's events, waits for the read model, and is killed before it answers.
      const killed = await startApi(
        { LEDGER_RUN_WORKER_IN_API: 'false', IDEMPOTENCY_LEASE_SECONDS: '300' },
        1,
      );
      const key = `takeover-${randomBytes(6).toString('hex')}`;
      const headers = {
        Authorization: `Bearer ${bearer}`,
        'Idempotency-Key': key,
        'X-Correlation-Id': key,
      };
      const body = {};
      const path = `/v1/workspaces/${WORKSPACE}/connections/${second}/main`;
      const first = call(port, 'POST', path, headers, body).then(
        (answer): HttpAnswer | 'unanswered' => answer,
        () => 'unanswered' as const,
      );
      const deadline = Date.now() + 15_000;
      while (eventsOf(key).length === 0) {
        if (Date.now() > deadline) throw new Error('the first attempt appended nothing');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await killed.kill();
      const recordedAtKill = eventsOf(key);
      expect(await first).toBe('unanswered');
      const claim = claimOf(key)!;
      expect(claim).toMatchObject({ state: 'in_flight' });
      expect(claim.holder).toContain(`:${killed.pid}:`);
      expect(claim.expires_at).toBeGreaterThan(Date.now() + 200_000);
      holder.kill('SIGKILL');
      await once(holder, 'exit');

      // 3. Restarted: the retry with the same key completes, and the lease is this process's.
      const restarted = await startApi({}, 2);
      const readyAt = Date.now();
      const retry = await call(port, 'POST', path, headers, body);
      const answeredAt = Date.now();
      expect({ status: retry.status, body: retry.body }).toMatchObject({
        status: 200,
        body: { id: second },
      });
      expect(answeredAt - readyAt).toBeLessThan(2000);
      // Run again, the command appended nothing new: its event ids derive from the key.
      const recorded = eventsOf(key);
      expect(recorded.length).toBeGreaterThan(0);
      expect(new Set(recorded.map((e) => e.id)).size).toBe(recorded.length);
      const atKill = recordedAtKill.map((e) => e.id);
      expect(recorded.map((e) => e.id)).toEqual(atKill);
      const replay = await call(port, 'POST', path, headers, body);
      expect(replay.headers['idempotent-replayed']).toBe('true');

      const taken = leaseRow()!;
      expect(taken.holder).toContain(`:${restarted.pid}:`);
      expect(taken.token).toBe(dead.token + 1);
      // Long before the dead holder's lease would have run out.
      expect(taken.expires_at).toBeLessThan(dead.expires_at);
    } catch (error) {
      process.stderr.write(`\n--- API output ---\n${log.tail()}\n--- end ---\n`);
      throw error;
    }
  }, 90_000);
});
