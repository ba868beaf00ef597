// Runs one of the apps from its build, building it first only when a source file is newer
// than the build: `npm run cli` used to rebuild on every call (~6 s before each command).
// Usage: node scripts/run-built.mjs <api|worker|cli> [args...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsoleIfStale } from './build-console.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [app] = process.argv.splice(2, 1);
if (!['api', 'worker', 'cli'].includes(app)) {
  process.stderr.write('usage: node scripts/run-built.mjs <api|worker|cli> [args...]\n');
  process.exit(2);
}
const entry = join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');

if (builtAt(entry) < newestSource()) {
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', app],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The API serves the admin console at /console: it is built (when stale) with the API.
if (app === 'api') {
  const status = buildConsoleIfStale();
  if (status !== 0) process.exit(status);
}

// The app reads process.argv.slice(2): the splice above left exactly its own arguments there.
createRequire(import.meta.url)(entry);

function builtAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The newest modification time among everything a build reads. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) {
        const child = join(path, name);
        // The console is its own build (scripts/build-console.mjs), not the Nest apps'.
        if (name !== 'node_modules' && child !== join(root, 'apps', 'console')) visit(child);
      }
    } else if (/\.(ts|json)$/.test(path)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const part of ['apps', 'libs', 'tsconfig.json', 'nest-cli.json', 'package-lock.json']) {
    visit(join(root, part));
  }
  return newest;
}
