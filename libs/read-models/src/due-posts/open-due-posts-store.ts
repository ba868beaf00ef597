import { join } from 'node:path';
import type { Connection } from 'mongoose';
import type { DuePostsStore } from './due-posts.port';
import { MongoDuePostsStore } from './mongo-due-posts.store';
import { SqliteDuePostsStore } from './sqlite-due-posts.store';

export const DUE_POSTS_FILE = 'due-posts.sqlite';

/** MongoDB when the read models live there (a shared connection), else DATA_DIR/due-posts.sqlite. */
export async function openDuePostsStore(config: {
  dataDir: string;
  mongoConnection?: Connection | null;
}): Promise<DuePostsStore> {
  if (config.mongoConnection) return MongoDuePostsStore.open({ mongo: config.mongoConnection });
  return SqliteDuePostsStore.open({ sqlitePath: join(config.dataDir, DUE_POSTS_FILE) });
}
