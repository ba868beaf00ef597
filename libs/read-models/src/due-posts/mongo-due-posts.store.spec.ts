import { openOverTheWire } from '@ledger/testing/mongo';
import { duePostsStoreContract } from './due-posts.contract';
import { MongoDuePostsStore } from './mongo-due-posts.store';

duePostsStoreContract('MongoDuePostsStore (FerretDB over the wire)', () =>
  openOverTheWire('due_posts', (connection) => MongoDuePostsStore.open({ mongo: connection })),
);
