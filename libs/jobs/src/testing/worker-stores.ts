import { openLeaseStore, type LeaseStore } from '@ledger/leases';
import { openDuePostsStore, type DuePostsStore } from '@ledger/read-models/due-posts';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION } from '@ledger/runtime';
import type { LedgerTestApp } from '@ledger/testing/ledger-app';

/**
 * The stores one more worker process opens next to the test app, on the same backend the app
 * uses: SQLite files in its DATA_DIR (own handles), or MongoDB (FerretDB) when the read models
 * live there. `close()` closes every handle opened here (never the app's Mongo connection).
 */
export class WorkerStores {
  private readonly closers: (() => unknown)[] = [];

  constructor(private readonly ledger: () => LedgerTestApp) {}

  private get mongo(): Connection | undefined {
    return this.ledger().app.get<Connection | null>(MONGO_CONNECTION) ?? undefined;
  }

  async leases(): Promise<LeaseStore> {
    const opened = await openLeaseStore({
      dataDir: this.ledger().dataDir,
      mongoConnection: this.mongo,
    });
    this.closers.push(() => opened.close());
    return opened.store;
  }

  async duePosts(): Promise<DuePostsStore> {
    const store = await openDuePostsStore({
      dataDir: this.ledger().dataDir,
      mongoConnection: this.mongo,
    });
    this.closers.push(() => store.close());
    return store;
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0)) await close();
  }
}
