import { join } from 'node:path';
import mongoose from 'mongoose';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import { MongoPendingAuthorizationStore } from './mongo-pending-authorization-store';
import {
  newOAuthState,
  PENDING_AUTHORIZATION_TTL_MS,
  type PendingAuthorization,
  type PendingAuthorizationStore,
} from './pending-authorization';
import { SqlitePendingAuthorizationStore } from './sqlite-pending-authorization-store';
import { hashBrowserBinding } from './browser-binding';

/** Two stores over the same data, as two API processes would have. */
interface Backend {
  first: PendingAuthorizationStore;
  second: PendingAuthorizationStore;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'SQLite',
    async () => {
      const dir = makeTempDir('pending-auth-');
      const file = join(dir.path, 'ledger.db');
      const first = SqlitePendingAuthorizationStore.open({ sqlitePath: file });
      const second = SqlitePendingAuthorizationStore.open({ sqlitePath: file });
      return {
        first,
        second,
        close: async () => {
          first.close();
          second.close();
          dir.remove();
        },
      };
    },
  ],
  [
    'MongoDB (FerretDB)',
    async () => {
      const dbName = uniqueDatabaseName('pending_auth');
      const a = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      const b = await mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
      const first = await MongoPendingAuthorizationStore.open({ mongo: a });
      return {
        first,
        second: await MongoPendingAuthorizationStore.open({ mongo: b }),
        close: async () => {
          await a.dropDatabase();
          await Promise.all([a.close(), b.close()]);
        },
      };
    },
  ],
];

const t0 = new Date('2026-11-20T10:00:00.000Z');

function pending(overrides: Partial<PendingAuthorization> = {}): PendingAuthorization {
  return {
    state: newOAuthState(),
    platform: 'x',
    userId: 'user-1',
    workspaceId: 'ws-1',
    intent: { kind: 'copy', sourceWorkspaceId: 'ws-0', sourceConnectionId: 'conn-9' },
    codeVerifier: 'verifier-' + newOAuthState(),
    createdAt: t0,
    expiresAt: new Date(t0.getTime() + PENDING_AUTHORIZATION_TTL_MS),
    actor: { role: 'admin', ip: '203.0.113.7', userAgent: 'jest' },
    browserBindingHash: hashBrowserBinding(newOAuthState()),
    ...overrides,
  };
}

const later = (ms: number) => new Date(t0.getTime() + ms);

describe.each(backends)('PendingAuthorizationStore contract: %s', (_name, open) => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await backend.close();
  });

  it('gives back exactly what was saved, from another connection', async () => {
    const entry = pending();
    await backend.first.save(entry);
    expect(await backend.second.take(entry.state, later(1000))).toEqual(entry);
  });

  it('keeps a flow without PKCE or browser binding, and every intent kind, intact', async () => {
    const entries = [
      pending({ codeVerifier: null, intent: { kind: 'connect' }, browserBindingHash: null }),
      pending({
        intent: { kind: 'reconnect', connectionId: 'conn-1' },
        actor: { role: 'owner', ip: null, userAgent: null },
      }),
    ];
    for (const entry of entries) await backend.first.save(entry);
    for (const entry of entries)
      expect(await backend.first.take(entry.state, later(1))).toEqual(entry);
  });

  it('is single use: a second take of the same state gets nothing', async () => {
    const entry = pending();
    await backend.first.save(entry);
    expect(await backend.first.take(entry.state, later(1))).not.toBeNull();
    expect(await backend.first.take(entry.state, later(2))).toBeNull();
    expect(await backend.second.take(entry.state, later(3))).toBeNull();
  });

  it('knows nothing of a state it never saw', async () => {
    await backend.first.save(pending());
    expect(await backend.first.take(newOAuthState(), later(1))).toBeNull();
  });

  it('does not return an entry at or after its expiry, and it stays dead', async () => {
    const entry = pending();
    await backend.first.save(entry);
    expect(await backend.first.take(entry.state, entry.expiresAt)).toBeNull();
    expect(await backend.first.take(entry.state, later(1))).toBeNull();
  });

  it('returns an entry up to the last millisecond before expiry', async () => {
    const entry = pending();
    await backend.first.save(entry);
    expect(await backend.first.take(entry.state, later(PENDING_AUTHORIZATION_TTL_MS - 1))).toEqual(
      entry,
    );
  });

  it('takes one state without touching the others', async () => {
    const a = pending();
    const b = pending({ userId: 'user-2' });
    await backend.first.save(a);
    await backend.first.save(b);
    await backend.first.take(a.state, later(1));
    expect(await backend.second.take(b.state, later(2))).toEqual(b);
  });

  it('refuses to overwrite a pending authorization with the same state', async () => {
    const entry = pending();
    await backend.first.save(entry);
    await expect(backend.second.save({ ...entry, userId: 'attacker' })).rejects.toThrow(
      'A pending authorization with this state already exists',
    );
    expect((await backend.first.take(entry.state, later(1)))?.userId).toBe('user-1');
  });

  it("cancels every pending authorization of one workspace and leaves the others'", async () => {
    const a = pending({ workspaceId: 'ws-breached' });
    const b = pending({ workspaceId: 'ws-breached', platform: 'tiktok' });
    const other = pending({ workspaceId: 'ws-other' });
    for (const entry of [a, b, other]) await backend.first.save(entry);
    expect(await backend.second.cancelWorkspace('ws-breached')).toBe(2);
    expect(await backend.first.cancelWorkspace('ws-breached')).toBe(0);
    expect(await backend.first.take(a.state, later(1))).toBeNull();
    expect(await backend.first.take(b.state, later(1))).toBeNull();
    expect(await backend.second.take(other.state, later(1))).toEqual(other);
  });

  it('lets exactly one of two racing takes of a state win', async () => {
    const entries = Array.from({ length: 25 }, () => pending());
    for (const entry of entries) await backend.first.save(entry);
    const results = await Promise.all(
      entries.map((entry) =>
        Promise.all([
          backend.first.take(entry.state, later(1)),
          backend.second.take(entry.state, later(1)),
        ]),
      ),
    );
    for (const [a, b] of results) {
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    }
  });
});
