import { statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import Database from 'better-sqlite3';
import { sealedTokenStoreContract } from '../contract/sealed-token-store.contract';
import { SqliteSealedTokenStore } from './sqlite-sealed-token-store';

sealedTokenStoreContract('SQLite on disk', async () => {
  const dir = makeTempDir('token-vault-sqlite-');
  const file = join(dir.path, 'tokens.sqlite');
  return {
    open: async () => SqliteSealedTokenStore.open({ sqlitePath: file }),
    dispose: async () => dir.remove(),
  };
});

describe('SqliteSealedTokenStore on disk', () => {
  it('creates its file 0600, in WAL mode with synchronous=FULL and secure_delete', async () => {
    const dir = makeTempDir('token-vault-sqlite-');
    try {
      const file = join(dir.path, 'tokens.sqlite');
      const store = SqliteSealedTokenStore.open({ sqlitePath: file });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // Read the settings back through the store's own connection (they are per connection).
      const db = (store as unknown as { db: Database.Database }).db;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      await store.close();
    } finally {
      dir.remove();
    }
  });
});
