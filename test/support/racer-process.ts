import { type ChildProcess, spawn } from 'node:child_process';

/** A fixture script racing a store from its own OS process (see the stores' `fixtures/`). */
export interface Racer<R> {
  child: ChildProcess;
  /** The script printed `ready` (its store is open; it waits for the go file). */
  ready: Promise<void>;
  /** What it printed as `result {json}`; rejects if it exited otherwise. */
  done: Promise<R>;
}

/** Runs a TypeScript fixture in a fresh node process with the path aliases registered. */
export function startRacer<R>(script: string, args: string[]): Racer<R> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('ready\n')) onReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<R>((resolve, reject) => {
    child.once('exit', (code) => {
      const result = /result (\{.*\})/.exec(stdout);
      if (code !== 0 || !result) reject(new Error(`racer exited ${code}: ${stderr}`));
      else resolve(JSON.parse(result[1]) as R);
    });
  });
  return { child, ready, done };
}
