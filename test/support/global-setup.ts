import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startFerretdb } from './ferretdb';

/**
 * Starts one FerretDB for the whole run unless the caller already gave one
 * (LEDGER_TEST_MONGODB_URI), and hands its URI to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  buildConsole();
  if (process.env.LEDGER_TEST_MONGODB_URI) return;
  const ferretdb = await startFerretdb();
  process.env.LEDGER_TEST_MONGODB_URI = ferretdb.uri;
  process.env.LEDGER_TEST_FERRETDB_PID = String(ferretdb.pid);
}

/**
 * The admin console, built when its sources changed (scripts/build-console.mjs): the browser
 * tests (test/browser) drive the files the API serves, so they must be the current ones.
 */
function buildConsole(): void {
  const root = join(__dirname, '..', '..');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building the console (apps/console) failed');
}
