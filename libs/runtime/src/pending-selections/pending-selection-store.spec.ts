import mongoose from 'mongoose';
import { join } from 'node:path';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { MongoPendingSelectionStore } from './mongo-pending-selection.store';
import {
  SELECTION_TTL_MS,
  type PendingSelection,
  type PendingSelectionStore,
} from './pending-selection';
import { SqlitePendingSelectionStore } from './sqlite-pending-selection.store';

interface Backend {
  first: PendingSelectionStore;
  second: PendingSelectionStore;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'SQLite on disk',
    async () => {
      const dir = makeTempDir('selections-');
      const file = join(dir.path, 'selections.sqlite');
      const first = SqlitePendingSelectionStore.open({ sqlitePath: file });
      const second = SqlitePendingSelectionStore.open({ sqlitePath: file });
      return {
        first,
        second,
        close: async () => {
          await first.close();
          await second.close();
          dir.remove();
        },
      };
    },
  ],
  [
    'MongoDB wire (FerretDB)',
    async () => {
      const dbName = uniqueDatabaseName('selections');
      const a = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      const b = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      const first = await MongoPendingSelectionStore.open({ mongo: a });
      const second = await MongoPendingSelectionStore.open({ mongo: b });
      return {
        first,
        second,
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  ],
];

const t0 = new Date('2026-11-20T10:00:00.000Z');
let counter = 0;
function selection(overrides: Partial<PendingSelection> = {}): PendingSelection {
  counter += 1;
  return {
    id: `sel-${counter}-${Math.random().toString(36).slice(2)}`,
    platform: 'facebook',
    workspaceId: 'ws-1',
    userId: 'user-1',
    intent: { kind: 'connect' },
    actor: { role: 'admin', ip: '203.0.113.9', userAgent: 'jest' },
    accounts: [
      {
        accountId: 'page-1',
        accountName: 'Acme "Café" $ales.',
        accountType: 'page',
        connectable: true,
        reason: null,
        refusal: null,
        linkedAccount: null,
        hasAccountToken: true,
      },
    ],
    createdAt: t0,
    expiresAt: new Date(t0.getTime() + SELECTION_TTL_MS),
    ...overrides,
  };
}
const at = (ms: number) => new Date(t0.getTime() + ms);

describe.each(backends)('pending selections: %s', (_name, open) => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(() => backend.close());

  it('gives a saved selection back once, to any process, with every field intact', async () => {
    const saved = selection();
    await backend.first.save(saved);
    expect(await backend.second.take(saved.id, at(1000))).toEqual(saved);
    expect(await backend.first.take(saved.id, at(1000))).toBeNull();
  });

  it('shows a saved selection to any process without taking it, until it expires', async () => {
    const saved = selection();
    await backend.first.save(saved);
    expect(await backend.second.find(saved.id, at(1000))).toEqual(saved);
    expect(await backend.first.find(saved.id, at(SELECTION_TTL_MS))).toBeNull();
    expect(await backend.first.take(saved.id, at(1000))).toEqual(saved);
    expect(await backend.second.find(saved.id, at(1000))).toBeNull();
  });

  it('does not give back an expired selection', async () => {
    const saved = selection();
    await backend.first.save(saved);
    expect(await backend.first.take(saved.id, at(SELECTION_TTL_MS))).toBeNull();
  });

  it('leaves an expired selection for purgeExpired, so its tokens can still be shredded', async () => {
    const saved = selection();
    await backend.first.save(saved);
    expect(await backend.first.take(saved.id, at(SELECTION_TTL_MS + 1))).toBeNull();
    expect(await backend.second.purgeExpired(at(SELECTION_TTL_MS + 1))).toEqual([saved]);
    expect(await backend.first.purgeExpired(at(SELECTION_TTL_MS + 1))).toEqual([]);
  });

  it("takes every selection of one workspace, expired ones too, and leaves the others'", async () => {
    const live = selection({ workspaceId: 'ws-breached' });
    const old = selection({ workspaceId: 'ws-breached', expiresAt: at(1000) });
    const elsewhere = selection({ workspaceId: 'ws-other' });
    for (const s of [live, old, elsewhere]) await backend.first.save(s);
    const taken = await backend.second.takeWorkspace('ws-breached');
    expect(taken.map((s) => s.id).sort()).toEqual([live.id, old.id].sort());
    expect(taken.find((s) => s.id === live.id)).toEqual(live);
    expect(await backend.first.takeWorkspace('ws-breached')).toEqual([]);
    expect(await backend.first.take(live.id, at(1))).toBeNull();
    expect(await backend.first.take(elsewhere.id, at(1))).toEqual(elsewhere);
  });

  it('lets exactly one of two racing takes win', async () => {
    const saved = selection();
    await backend.first.save(saved);
    const results = await Promise.all([
      backend.first.take(saved.id, at(1)),
      backend.second.take(saved.id, at(1)),
      backend.first.take(saved.id, at(1)),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });

  it('purges expired selections and names them, leaving live ones', async () => {
    const old = selection({ expiresAt: at(1000) });
    const live = selection();
    await backend.first.save(old);
    await backend.first.save(live);
    expect(await backend.second.purgeExpired(at(2000))).toEqual([old]);
    expect(await backend.first.take(live.id, at(2000))).not.toBeNull();
  });
});
