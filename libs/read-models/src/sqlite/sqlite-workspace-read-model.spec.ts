import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { describeWorkspaceReadModelContract } from '../contract/workspace-read-model.contract';
import { SqliteWorkspaceReadModel } from './sqlite-workspace-read-model';

describeWorkspaceReadModelContract('SQLite (file on disk)', async () => {
  const dir = makeTempDir('ledger-read-model-');
  const file = join(dir.path, 'read-models.sqlite');
  return {
    open: async () => SqliteWorkspaceReadModel.open({ sqlitePath: file }),
    dispose: async () => dir.remove(),
  };
});
