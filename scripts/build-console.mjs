// Builds the admin console (apps/console, Vite) into dist/console, only when one of its sources
// is newer than the build: `npm start` and the browser tests' global setup call it, so the API
// always serves a current console without a second watcher or server.
// Usage: node scripts/build-console.mjs   (exit status: the build's)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'console', 'index.html');

export function buildConsoleIfStale() {
  if (mtime(built) >= newestSource()) return 0;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return build.status ?? 1;
}

function mtime(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  visit(join(root, 'apps', 'console'));
  visit(join(root, 'package-lock.json'));
  return newest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(buildConsoleIfStale());
