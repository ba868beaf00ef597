import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { securePrivateDir, tightenPrivateFile } from '@ledger/private-files';
import { generateKeyRingString, KeyRing } from './key-ring';

export const LOCAL_KEY_RING_FILE = 'token-encryption-keys';

export interface LocalKeyRing {
  keyRing: KeyRing;
  path: string;
  /** True when this call generated the file: the caller should warn that keys are local. */
  created: boolean;
}

/**
 * For a local run without TOKEN_ENCRYPTION_KEYS: reads `<dataDir>/token-encryption-keys`, or
 * creates it (mode 0600) with a fresh key. Creation is write-to-temp then link(), which fails
 * if the file exists: two processes starting together both end up with the same complete ring.
 */
export function loadOrCreateLocalKeyRing(dataDir: string): LocalKeyRing {
  const path = join(dataDir, LOCAL_KEY_RING_FILE);
  securePrivateDir(dataDir);
  tightenPrivateFile(path);
  const existing = readIfExists(path);
  if (existing !== null) return { keyRing: KeyRing.parse(existing, path), path, created: false };

  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${generateKeyRingString()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600); // the umask may have narrowed the mode, never widened it, but be exact
  let created = true;
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false; // another process won the race; use its ring
  } finally {
    unlinkSync(temp);
  }
  return { keyRing: KeyRing.parse(readFileSync(path, 'utf8'), path), path, created };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
