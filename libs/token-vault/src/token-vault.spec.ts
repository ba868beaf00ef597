import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import Database from 'better-sqlite3';
import { type ConnectionTokens, redactTokens } from './connection-tokens';
import { TokenVaultError } from './errors';
import { generateKeyRingString, KeyRing } from './key-ring';
import type { SealedTokenStore } from './sealed-token-store.port';
import { SqliteSealedTokenStore } from './sqlite/sqlite-sealed-token-store';
import { TokenVault } from './token-vault';

const tokens = (n: number | string = 1): ConnectionTokens => ({
  accessToken: `EAAB-access-secret-${n}-0123456789abcdef`,
  refreshToken: `refresh-secret-${n}-fedcba9876543210`,
  tokenType: 'bearer',
  scopes: ['pages_manage_posts', 'pages_read_engagement'],
  expiresAt: '2025-06-01T00:00:00.000Z',
  refreshExpiresAt: null,
});

const K1 = generateKeyRingString({ id: 'k1' });
const K2 = generateKeyRingString({ id: 'k2' });
const ring = (...entries: string[]) => KeyRing.parse(entries.join(','));

async function caught(promise: Promise<unknown>): Promise<TokenVaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenVaultError);
  return error as TokenVaultError;
}

describe('TokenVault over SQLite on disk', () => {
  let dir: { path: string; remove(): void };
  let file: string;
  let store: SqliteSealedTokenStore;
  let raw: Database.Database;
  const vaultWith = (keyRing: KeyRing, records: SealedTokenStore = store) =>
    new TokenVault(records, keyRing, { now: () => new Date('2025-03-14T10:00:00Z') });
  const rowOf = (workspaceId: string, connectionId: string) =>
    raw
      .prepare('SELECT * FROM sealed_tokens WHERE workspace_id = ? AND connection_id = ?')
      .get(workspaceId, connectionId) as
      | { key_id: string; iv: Buffer; auth_tag: Buffer; ciphertext: Buffer; sealed_at: string }
      | undefined;
  const fileBytes = () =>
    Buffer.concat(
      ['', '-wal'].map((suffix) => {
        try {
          return readFileSync(file + suffix);
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );

  beforeEach(() => {
    dir = makeTempDir('token-vault-');
    file = join(dir.path, 'tokens.sqlite');
    store = SqliteSealedTokenStore.open({ sqlitePath: file });
    raw = new Database(file); // a second connection, as an attacker with the file would have
  });
  afterEach(async () => {
    raw.close();
    await store.close();
    dir.remove();
  });

  it('reads back what it stored, and null for a connection without tokens', async () => {
    const vault = vaultWith(ring(K1));
    const ref = { workspaceId: 'ws-1', connectionId: 'c-1' };
    await vault.store(ref, tokens());
    expect(await vault.read(ref)).toEqual(tokens());
    const minimal: ConnectionTokens = {
      accessToken: 'a',
      refreshToken: null,
      scopes: [],
      expiresAt: null,
      refreshExpiresAt: null,
    };
    await vault.store(ref, minimal);
    expect(await vault.read(ref)).toEqual(minimal);
    expect(await vault.read({ workspaceId: 'ws-1', connectionId: 'c-2' })).toBeNull();
    expect(await vault.read({ workspaceId: 'ws-2', connectionId: 'c-1' })).toBeNull();
  });

  it('seals only the known fields', async () => {
    const vault = vaultWith(ring(K1));
    const ref = { workspaceId: 'ws-1', connectionId: 'c-1' };
    await vault.store(ref, { ...tokens(), idToken: 'stray-id-token' } as ConnectionTokens);
    expect(await vault.read(ref)).toEqual(tokens());
    expect(fileBytes().includes('stray-id-token')).toBe(false);
  });

  it('leaves no plaintext token on disk: the row holds ciphertext under the current key id', async () => {
    const vault = vaultWith(ring(K1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-1' }, tokens());
    const row = rowOf('ws-1', 'c-1');
    expect(row).toMatchObject({ key_id: 'k1', sealed_at: '2025-03-14T10:00:00.000Z' });
    expect(row!.iv).toHaveLength(12);
    expect(row!.auth_tag).toHaveLength(16);
    const bytes = fileBytes();
    expect(bytes.includes(row!.ciphertext)).toBe(true); // the search below can find things
    for (const secret of [tokens().accessToken, tokens().refreshToken!, 'EAAB', 'refresh-secret']) {
      expect(row!.ciphertext.includes(secret)).toBe(false);
      expect(bytes.includes(secret)).toBe(false);
    }
  });

  it('refuses a ciphertext copied into another connection row', async () => {
    const vault = vaultWith(ring(K1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'victim' }, tokens('victim'));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'mine' }, tokens('mine'));
    raw
      .prepare(
        `UPDATE sealed_tokens SET (iv, auth_tag, ciphertext) =
           (SELECT iv, auth_tag, ciphertext FROM sealed_tokens WHERE connection_id = 'victim')
         WHERE connection_id = 'mine'`,
      )
      .run();
    const error = await caught(vault.read({ workspaceId: 'ws-1', connectionId: 'mine' }));
    expect(error.code).toBe('TOKEN_DECRYPTION_FAILED');
    expect(error.message).toMatch(/connection "mine" in workspace "ws-1"/);
    expect(error.message).not.toContain('secret');
    // The original row is untouched and still reads.
    expect(await vault.read({ workspaceId: 'ws-1', connectionId: 'victim' })).toEqual(
      tokens('victim'),
    );
  });

  it('refuses a row moved to another workspace', async () => {
    const vault = vaultWith(ring(K1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-1' }, tokens());
    raw.prepare(`UPDATE sealed_tokens SET workspace_id = 'ws-2'`).run();
    const error = await caught(vault.read({ workspaceId: 'ws-2', connectionId: 'c-1' }));
    expect(error.code).toBe('TOKEN_DECRYPTION_FAILED');
  });

  it('refuses a row relabelled with another key id of the ring', async () => {
    const vault = vaultWith(ring(K2, K1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-1' }, tokens());
    raw.prepare(`UPDATE sealed_tokens SET key_id = 'k1'`).run();
    const error = await caught(vault.read({ workspaceId: 'ws-1', connectionId: 'c-1' }));
    expect(error.code).toBe('TOKEN_DECRYPTION_FAILED');
    expect(error.message).toMatch(/under key "k1"/);
  });

  it('rotates: old records stay readable, reencrypt() moves them, then the old key can go', async () => {
    const before = vaultWith(ring(K1));
    for (let i = 0; i < 5; i++) {
      await before.store({ workspaceId: `ws-${i % 2}`, connectionId: `c-${i}` }, tokens(i));
    }
    const rotated = vaultWith(ring(K2, K1));
    expect(await rotated.read({ workspaceId: 'ws-0', connectionId: 'c-0' })).toEqual(tokens(0));
    await rotated.store({ workspaceId: 'ws-0', connectionId: 'c-new' }, tokens('new'));
    expect(rowOf('ws-0', 'c-new')!.key_id).toBe('k2');
    expect(await rotated.keyUsage()).toEqual({ k1: 5, k2: 1 });

    // Dropping the old key too early: a clear error naming ids, never key material.
    const tooEarly = vaultWith(ring(K2));
    const error = await caught(tooEarly.read({ workspaceId: 'ws-0', connectionId: 'c-0' }));
    expect(error.code).toBe('UNKNOWN_KEY_ID');
    expect(error.message).toMatch(/key id "k1", which the key ring no longer holds/);
    for (const entry of [K1, K2]) expect(error.message).not.toContain(entry.split(':')[1]);

    expect(await rotated.reencrypt({ batchSize: 2 })).toBe(5);
    expect(await rotated.keyUsage()).toEqual({ k2: 6 });
    expect(await rotated.reencrypt()).toBe(0);

    const after = vaultWith(ring(K2));
    for (let i = 0; i < 5; i++) {
      const ref = { workspaceId: `ws-${i % 2}`, connectionId: `c-${i}` };
      expect(await after.read(ref)).toEqual(tokens(i));
    }
    expect(await after.read({ workspaceId: 'ws-0', connectionId: 'c-new' })).toEqual(tokens('new'));
  });

  it('reencrypt() moves what it can and reports records whose key left the ring', async () => {
    await vaultWith(ring(K1)).store({ workspaceId: 'ws-1', connectionId: 'lost' }, tokens());
    const K3 = generateKeyRingString({ id: 'k3' });
    await vaultWith(ring(K3)).store({ workspaceId: 'ws-1', connectionId: 'ok' }, tokens());
    const error = await caught(vaultWith(ring(K2, K3)).reencrypt());
    expect(error.code).toBe('REENCRYPTION_INCOMPLETE');
    expect(error.details).toEqual({ reencrypted: 1, failedByKeyId: { k1: 1 } });
    expect(rowOf('ws-1', 'ok')!.key_id).toBe('k2');
    expect(rowOf('ws-1', 'lost')!.key_id).toBe('k1');
  });

  it('reencrypt() neither undoes a concurrent store() nor revives a concurrent destroy()', async () => {
    await vaultWith(ring(K1)).store({ workspaceId: 'ws-1', connectionId: 'refreshed' }, tokens(1));
    await vaultWith(ring(K1)).store({ workspaceId: 'ws-1', connectionId: 'gone' }, tokens(2));
    const keyRing = ring(K2, K1);
    const other = vaultWith(keyRing);
    // Another writer acts between reencrypt()'s read and its write of each record.
    const racing: SealedTokenStore = Object.assign(Object.create(store) as SealedTokenStore, {
      replace: async (...args: Parameters<SealedTokenStore['replace']>) => {
        const ref = { workspaceId: 'ws-1', connectionId: args[0].connectionId };
        if (ref.connectionId === 'refreshed') await other.store(ref, tokens('fresh'));
        else await other.destroy(ref);
        return store.replace(...args);
      },
    });
    expect(await vaultWith(keyRing, racing).reencrypt()).toBe(0);
    expect(await other.read({ workspaceId: 'ws-1', connectionId: 'refreshed' })).toEqual(
      tokens('fresh'),
    );
    expect(await other.read({ workspaceId: 'ws-1', connectionId: 'gone' })).toBeNull();
  });

  it('destroy() shreds: read gives null, the row is gone, its bytes are gone from disk', async () => {
    const vault = vaultWith(ring(K1));
    const ref = { workspaceId: 'ws-1', connectionId: 'c-1' };
    await vault.store(ref, tokens(1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-2' }, tokens(2));
    const { ciphertext } = rowOf('ws-1', 'c-1')!;
    expect(fileBytes().includes(ciphertext)).toBe(true);

    expect(await vault.destroy(ref)).toBe(true);
    expect(await vault.read(ref)).toBeNull();
    expect(rowOf('ws-1', 'c-1')).toBeUndefined();
    expect(fileBytes().includes(ciphertext)).toBe(false);
    expect(await vault.destroy(ref)).toBe(false);
    expect(await vault.read({ workspaceId: 'ws-1', connectionId: 'c-2' })).toEqual(tokens(2));
  });

  it('destroyWorkspace() removes that workspace only and counts', async () => {
    const vault = vaultWith(ring(K1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-1' }, tokens(1));
    await vault.store({ workspaceId: 'ws-1', connectionId: 'c-2' }, tokens(2));
    await vault.store({ workspaceId: 'ws-2', connectionId: 'c-1' }, tokens(3));
    const shredded = [rowOf('ws-1', 'c-1')!.ciphertext, rowOf('ws-1', 'c-2')!.ciphertext];

    expect(await vault.destroyWorkspace('ws-1')).toBe(2);
    expect(await vault.read({ workspaceId: 'ws-1', connectionId: 'c-1' })).toBeNull();
    expect(await vault.read({ workspaceId: 'ws-1', connectionId: 'c-2' })).toBeNull();
    expect(await vault.read({ workspaceId: 'ws-2', connectionId: 'c-1' })).toEqual(tokens(3));
    for (const c of shredded) expect(fileBytes().includes(c)).toBe(false);
    expect(await vault.destroyWorkspace('ws-1')).toBe(0);
  });

  it('refuses malformed tokens naming the field, never the value', async () => {
    const vault = vaultWith(ring(K1));
    const ref = { workspaceId: 'ws-1', connectionId: 'c-1' };
    const bad = { ...tokens(), refreshToken: 42, expiresAt: 'secret-not-a-date' };
    const error = await caught(vault.store(ref, bad as unknown as ConnectionTokens));
    expect(error.code).toBe('INVALID_TOKENS');
    expect(error.message).toBe('tokens.refreshToken must be a non-empty string or null');
    const dateError = await caught(
      vault.store(ref, { ...tokens(), expiresAt: 'secret-not-a-date' }),
    );
    expect(dateError.message).toMatch(/tokens\.expiresAt must be an ISO 8601 instant/);
    expect(`${dateError.message}${JSON.stringify(dateError.details)}`).not.toContain('secret');
    expect(await vault.read(ref)).toBeNull();
  });

  it('refuses an empty workspace or connection id', async () => {
    const vault = vaultWith(ring(K1));
    await expect(vault.store({ workspaceId: '', connectionId: 'c' }, tokens())).rejects.toThrow(
      /workspaceId must be a non-empty string/,
    );
    await expect(vault.read({ workspaceId: 'w', connectionId: '' })).rejects.toThrow(
      /connectionId must be a non-empty string/,
    );
  });
});

describe('redactTokens', () => {
  it('hides token values and drops unknown fields, keeping scopes and expiries', () => {
    const redacted = redactTokens({ ...tokens(), idToken: 'jwt-secret' } as ConnectionTokens);
    expect(redacted).toEqual({
      ...tokens(),
      accessToken: '[REDACTED]',
      refreshToken: '[REDACTED]',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/secret/);
    expect(redactTokens({ ...tokens(), refreshToken: null }).refreshToken).toBeNull();
  });
});
