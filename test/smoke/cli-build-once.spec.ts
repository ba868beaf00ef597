import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '../support/temp-dir';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const built = join(root, 'dist/apps/cli/apps/cli/src/main.js');

/** `npm run cli -- <args>` exactly as a compliance user types it, on a fresh data dir. */
async function cli(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'cli', '--', ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run cli', () => {
  const dir = makeTempDir('ledger-cli-');
  afterAll(() => dir.remove());

  it('builds the CLI once and then runs the build as it is', async () => {
    const first = await cli(dir.path, 'verify', 'demo');
    expect(first.code).toBe(0);
    const builtAt = statSync(built).mtimeMs;

    const second = await cli(dir.path, 'verify', 'demo');

    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, checkedEvents: 0 });
    expect(statSync(built).mtimeMs).toBe(builtAt);
  }, 120_000);

  it("passes the CLI's own exit code and arguments through", async () => {
    const bad = await cli(dir.path, 'no-such-command');

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: ledger <command>');
  }, 60_000);
});
