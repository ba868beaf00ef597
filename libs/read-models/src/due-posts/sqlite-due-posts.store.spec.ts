import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { duePostsStoreContract } from './due-posts.contract';
import { SqliteDuePostsStore } from './sqlite-due-posts.store';

duePostsStoreContract('SqliteDuePostsStore (file on disk)', async () => {
  const dir = makeTempDir('ledger-due-posts-');
  const file = join(dir.path, 'nested', 'due-posts.sqlite');
  const stores = [SqliteDuePostsStore.open({ sqlitePath: file })];
  return {
    store: stores[0],
    openAnother: async () => {
      const another = SqliteDuePostsStore.open({ sqlitePath: file });
      stores.push(another);
      return another;
    },
    close: async () => {
      for (const store of stores) await store.close();
      dir.remove();
    },
  };
});
