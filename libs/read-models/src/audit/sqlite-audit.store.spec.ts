import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { auditStoreContract } from './audit.contract';
import { SqliteAuditStore } from './sqlite-audit.store';

auditStoreContract('SqliteAuditStore (file on disk)', async () => {
  const dir = makeTempDir('ledger-audit-');
  const file = join(dir.path, 'nested', 'audit.sqlite');
  const stores = [SqliteAuditStore.open({ sqlitePath: file })];
  return {
    store: stores[0],
    openAnother: async () => {
      const another = SqliteAuditStore.open({ sqlitePath: file });
      stores.push(another);
      return another;
    },
    close: async () => {
      for (const store of stores) await store.close();
      dir.remove();
    },
  };
});
