import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { describeConnectionsReadModelContract } from '../contract/connections-read-model.contract';
import { SqliteConnectionsReadModel } from './sqlite-connections-read-model';

describeConnectionsReadModelContract('SQLite (file on disk)', async () => {
  const dir = makeTempDir('ledger-read-model-');
  const file = join(dir.path, 'read-models.sqlite');
  return {
    open: async () => SqliteConnectionsReadModel.open({ sqlitePath: file }),
    dispose: async () => dir.remove(),
  };
});
