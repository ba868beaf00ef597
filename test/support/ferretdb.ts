import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * FerretDB speaks the MongoDB wire protocol over SQLite files, so the mongoose adapters are
 * tested over a real wire here, where MongoDB itself cannot be installed.
 */
const ROOT = join(__dirname, '..', '..');

/** Builds FerretDB once (scripts/install-ferretdb.sh, cached by Go) and returns its path. */
export function ferretdbBinary(): string {
  const binary = join(ROOT, '.ferretdb', 'bin', 'ferretdb');
  if (!existsSync(binary)) {
    execFileSync('bash', [join(ROOT, 'scripts', 'install-ferretdb.sh')], { stdio: 'inherit' });
  }
  return binary;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`FerretDB did not listen on ${port} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningFerretdb {
  uri: string;
  pid: number;
}

export async function startFerretdb(): Promise<RunningFerretdb> {
  const binary = ferretdbBinary();
  const dir = mkdtempSync(join(tmpdir(), 'ledger-ferretdb-'));
  const port = await freePort();
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      `--state-dir=${dir}`,
      '--log-level=error',
      // The debug listener defaults to a fixed port; two runs at once would collide.
      '--debug-addr=-',
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  await waitForPort(port, 20000);
  return { uri: `mongodb://127.0.0.1:${port}/`, pid: child.pid ?? 0 };
}
