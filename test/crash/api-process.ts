import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { makeTempDir } from '../support/temp-dir';

export const REPO_ROOT = join(__dirname, '..', '..');

/** Where the API's sources live, transpiled into a temporary directory (see buildApi). */
export interface ApiBuild {
  /** The bootstrap script: registers the path aliases, then runs apps/api/src/main. */
  entry: string;
  /** Bare imports from the temporary directory resolve in the repository's node_modules. */
  nodePath: string;
  remove(): void;
}

const SOURCE_ROOTS = ['apps/api/src', 'libs'];

/**
 * Transpiles the API and the libraries (the jobs it runs in a local run among them), file by file
 * (the project is `isolatedModules`, so this is what `tsc` emits, decorator metadata included),
 * once, so that every restart of the child process starts from JavaScript: about a second
 * instead of the three or four that ts-node takes to transpile the same files again.
 */
export function buildApi(): ApiBuild {
  const dir = makeTempDir('ledger-crash-build-');
  const tsconfig = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, REPO_ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    module: ts.ModuleKind.CommonJS,
    noEmit: false,
    declaration: false,
    sourceMap: false,
    inlineSourceMap: false,
    incremental: false,
  };
  for (const root of SOURCE_ROOTS) {
    for (const file of typeScriptFiles(join(REPO_ROOT, root))) {
      const source = readFileSync(file, 'utf8');
      const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: file });
      const out = join(dir.path, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  const paths = (tsconfig.config as { compilerOptions: { paths: Record<string, string[]> } })
    .compilerOptions.paths;
  const entry = join(dir.path, 'start-api.js');
  writeFileSync(
    entry,
    [
      `require('tsconfig-paths').register({ baseUrl: __dirname, paths: ${JSON.stringify(paths)} });`,
      // Never outlive the test run, even if jest itself is killed.
      'const parent = process.ppid;',
      'setInterval(() => process.ppid !== parent && process.exit(1), 1000).unref();',
      `require('./apps/api/src/main.js');`,
      '',
    ].join('\n'),
  );
  return { entry, nodePath: join(REPO_ROOT, 'node_modules'), remove: dir.remove };
}

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures') yield* typeScriptFiles(path);
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.d.ts') &&
      !entry.name.endsWith('.spec.ts')
    ) {
      yield path;
    }
  }
}

/** The output of every child process started so far, newest last, for failure messages. */
export class ServiceLog {
  private readonly lines: string[] = [];

  constructor(private readonly keep = 400) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  tail(): string {
    return this.lines.join('\n');
  }
}

/**
 * The API as a real OS process on the embedded store, so that SIGKILL kills it as a crash
 * would: no shutdown hook runs, nothing is flushed, the SQLite files stay as they were.
 */
export class ApiProcess {
  private exited: Promise<void>;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private hasExited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly generation: number,
    readonly port: number,
    private readonly log: ServiceLog,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        log.add(`[api #${generation}] exited (code ${code}, signal ${signal})`);
        resolve();
      });
    });
  }

  static spawn(
    build: ApiBuild,
    env: Record<string, string>,
    port: number,
    generation: number,
    log: ServiceLog,
  ): ApiProcess {
    const child = spawn(process.execPath, [build.entry], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_PATH: build.nodePath,
        NO_COLOR: '1',
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new ApiProcess(child, generation, port, log);
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) log.add(`[api #${generation}] ${line}`);
      });
    }
    return api;
  }

  /** Resolves once GET /health answers 200; fails if the process exits or never gets there. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.hasExited) {
        throw new Error(
          `the API exited before it was ready (code ${this.exitCode}, signal ${this.exitSignal})`,
        );
      }
      if ((await healthStatus(this.port)) === 200) return;
      if (Date.now() > deadline) throw new Error(`the API was not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The OS process id (holder ids of its leases and claims carry it). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** SIGKILL: the process dies at once, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

function healthStatus(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/health', method: 'GET', agent: false, timeout: 1000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}
