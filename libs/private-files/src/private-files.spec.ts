import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { PrivateDirError, preparePrivateSqliteFile, securePrivateDir } from './index';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('private data files', () => {
  it('tightens a loose directory and leftover SQLite files, keeping the owner’s bits', () => {
    const dir = makeTempDir('ledger-private-');
    try {
      const db = join(dir.path, 'store.sqlite');
      writeFileSync(`${db}-wal`, '');
      chmodSync(`${db}-wal`, 0o666);
      chmodSync(dir.path, 0o755);
      preparePrivateSqliteFile(db);
      expect([modeOf(dir.path), modeOf(db), modeOf(`${db}-wal`)]).toEqual([0o700, 0o600, 0o600]);
    } finally {
      dir.remove();
    }
  });

  it('refuses, naming path and mode, a directory it may not make owner-only', () => {
    // /proc/self is open to all and no one, not even root, may change its mode.
    expect(() => securePrivateDir('/proc/self')).toThrow(PrivateDirError);
    expect(() => securePrivateDir('/proc/self')).toThrow(
      /\/proc\/self is open to other users \(mode 555\) and cannot be made owner-only/,
    );
  });
});
