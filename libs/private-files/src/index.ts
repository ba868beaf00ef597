import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * DATA_DIR holds secrets (sealed tokens, PKCE verifiers, local keys) and tenant data: only
 * the service's own user may enter it (0700) or read its files (0600). A directory or file
 * that is looser, from an older version or a careless copy, is tightened; when that is not
 * allowed (another user owns it), the service refuses to use it rather than run exposed.
 */
export class PrivateDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivateDirError';
  }
}

/** Creates `dir` (0700) or tightens it to owner-only. */
export function securePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 'directory');
}

/**
 * Before SQLite opens `path`: the directory is private, the file exists with mode 0600 (SQLite
 * gives the -wal, -shm and -journal files it creates the database file's mode) and any such
 * file left from before is tightened too. `:memory:` and other non-file names are left alone.
 */
export function preparePrivateSqliteFile(path: string): void {
  if (path === '' || path.startsWith(':') || path.startsWith('file:')) return;
  securePrivateDir(dirname(path));
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    tightenPrivateFile(file);
  }
}

/** Tightens an existing file to owner-only (a missing one is fine). */
export function tightenPrivateFile(path: string): void {
  tighten(path, 'file');
}

function tighten(path: string, kind: 'directory' | 'file'): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && kind === 'file') return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode & 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PrivateDirError(
      `The data ${kind} ${path} is open to other users (mode ${mode.toString(8)}) and cannot ` +
        `be made owner-only (${code}): give the service a DATA_DIR of its own`,
    );
  }
}
