import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';

/** The built API (`nest build api`), started as a user would: `node dist/.../main.js`. */
const API_MAIN = join(
  __dirname,
  '..',
  '..',
  'dist',
  'apps',
  'api',
  'apps',
  'api',
  'src',
  'main.js',
);
const JWT_SECRET = 'benchmark-secret-benchmark-secret-benchmark';

export interface ApiProcess {
  baseUrl: string;
  /** The API's process id (its CPU time is read from /proc). */
  pid: number;
  tokenFor(workspaceId: string): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the API on the embedded store in `dataDir` and waits until /health answers. */
export async function startApi(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  // The flags `npm start` and the Docker image give the API (see the Dockerfile).
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=64', API_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'benchmark',
      PORT: String(port),
      DATA_DIR: dataDir,
      JWT_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited at start:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    baseUrl,
    pid: child.pid ?? 0,
    tokenFor: (workspaceId) =>
      sign({ workspaces: { [workspaceId]: 'owner' } }, JWT_SECRET, {
        algorithm: 'HS256',
        subject: `bench-${workspaceId}`,
        expiresIn: '2h',
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
