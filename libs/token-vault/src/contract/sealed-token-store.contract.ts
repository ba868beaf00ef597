import { randomBytes } from 'node:crypto';
import type { SealedTokenRecord, SealedTokenStore } from '../sealed-token-store.port';

/** One backing storage (a SQLite file, a database); open() may be called again to reopen it. */
export interface SealedTokenStoreBackend {
  open(): Promise<SealedTokenStore>;
  dispose(): Promise<void>;
}

export function record(workspaceId: string, connectionId: string, keyId = 'k1'): SealedTokenRecord {
  return {
    workspaceId,
    connectionId,
    keyId,
    iv: randomBytes(12),
    authTag: randomBytes(16),
    ciphertext: randomBytes(48),
    sealedAt: '2025-03-14T10:00:00.000Z',
  };
}

/** The behaviour every SealedTokenStore adapter must show, run against each real store. */
export function sealedTokenStoreContract(
  name: string,
  createBackend: () => Promise<SealedTokenStoreBackend>,
): void {
  describe(`SealedTokenStore contract: ${name}`, () => {
    let backend: SealedTokenStoreBackend;
    let store: SealedTokenStore;

    beforeEach(async () => {
      backend = await createBackend();
      store = await backend.open();
    });
    afterEach(async () => {
      await store.close();
      await backend.dispose();
    });

    it('returns what was put, byte for byte, and null for an unknown ref', async () => {
      const r = record('ws-1', 'c-1');
      await store.put(r);
      expect(await store.get('ws-1', 'c-1')).toEqual(r);
      expect(await store.get('ws-1', 'c-2')).toBeNull();
      expect(await store.get('ws-2', 'c-1')).toBeNull();
    });

    it('keeps records after the store is closed and reopened', async () => {
      const r = record('ws-1', 'c-1');
      await store.put(r);
      await store.close();
      store = await backend.open();
      expect(await store.get('ws-1', 'c-1')).toEqual(r);
    });

    it('overwrites on a second put for the same connection', async () => {
      await store.put(record('ws-1', 'c-1', 'k1'));
      const second = record('ws-1', 'c-1', 'k2');
      await store.put(second);
      expect(await store.get('ws-1', 'c-1')).toEqual(second);
      expect(await store.countByKeyId()).toEqual({ k2: 1 });
    });

    it('keeps ids that share characters apart (no ambiguous composite key)', async () => {
      const a = record('a,b', 'c');
      const b = record('a', 'b,c');
      const quoted = record('w"s', 'c"]');
      await store.put(a);
      await store.put(b);
      await store.put(quoted);
      expect(await store.get('a,b', 'c')).toEqual(a);
      expect(await store.get('a', 'b,c')).toEqual(b);
      expect(await store.get('w"s', 'c"]')).toEqual(quoted);
    });

    it('replace() succeeds only while the stored IV is the expected one', async () => {
      const original = record('ws-1', 'c-1', 'k1');
      await store.put(original);
      const rotated = record('ws-1', 'c-1', 'k2');
      expect(await store.replace(rotated, original.iv)).toBe(true);
      expect(await store.get('ws-1', 'c-1')).toEqual(rotated);

      const stale = record('ws-1', 'c-1', 'k3');
      expect(await store.replace(stale, original.iv)).toBe(false);
      expect(await store.get('ws-1', 'c-1')).toEqual(rotated);
    });

    it('replace() does not bring back a deleted record', async () => {
      const original = record('ws-1', 'c-1');
      await store.put(original);
      await store.delete('ws-1', 'c-1');
      expect(await store.replace(record('ws-1', 'c-1', 'k2'), original.iv)).toBe(false);
      expect(await store.get('ws-1', 'c-1')).toBeNull();
    });

    it('delete() removes one record and says whether there was one', async () => {
      await store.put(record('ws-1', 'c-1'));
      await store.put(record('ws-1', 'c-2'));
      expect(await store.delete('ws-1', 'c-1')).toBe(true);
      expect(await store.delete('ws-1', 'c-1')).toBe(false);
      expect(await store.get('ws-1', 'c-1')).toBeNull();
      expect(await store.get('ws-1', 'c-2')).not.toBeNull();
    });

    it('deleteWorkspace() removes that workspace only and counts', async () => {
      await store.put(record('ws-1', 'c-1'));
      await store.put(record('ws-1', 'c-2'));
      await store.put(record('ws-2', 'c-1'));
      expect(await store.deleteWorkspace('ws-1')).toBe(2);
      expect(await store.deleteWorkspace('ws-1')).toBe(0);
      expect(await store.get('ws-1', 'c-2')).toBeNull();
      expect(await store.get('ws-2', 'c-1')).not.toBeNull();
    });

    it('counts records per key id', async () => {
      expect(await store.countByKeyId()).toEqual({});
      await store.put(record('ws-1', 'c-1', 'old'));
      await store.put(record('ws-1', 'c-2', 'old'));
      await store.put(record('ws-2', 'c-1', 'new'));
      expect(await store.countByKeyId()).toEqual({ old: 2, new: 1 });
    });

    it('pages through the records under other keys, each exactly once', async () => {
      const stale: string[] = [];
      for (let i = 0; i < 7; i++) {
        await store.put(record(`ws-${i % 3}`, `c-${i}`, i % 2 ? 'k1' : 'k0'));
        stale.push(`ws-${i % 3}/c-${i}`);
      }
      await store.put(record('ws-0', 'current-1', 'k2'));
      await store.put(record('ws-9', 'current-2', 'k2'));

      const seen: string[] = [];
      let after: { workspaceId: string; connectionId: string } | undefined;
      for (;;) {
        const page = await store.listSealedWithOtherKeys({ exceptKeyId: 'k2', after, limit: 3 });
        expect(page.length).toBeLessThanOrEqual(3);
        if (page.length === 0) break;
        for (const r of page) {
          expect(r.keyId).not.toBe('k2');
          seen.push(`${r.workspaceId}/${r.connectionId}`);
        }
        const last = page[page.length - 1];
        after = { workspaceId: last.workspaceId, connectionId: last.connectionId };
      }
      expect([...seen].sort()).toEqual([...stale].sort());
      expect(new Set(seen).size).toBe(seen.length);
    });
  });
}
