import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { generateKeyRingString } from './key-ring';
import { LOCAL_KEY_RING_FILE, loadOrCreateLocalKeyRing } from './local-key-ring';

describe('loadOrCreateLocalKeyRing', () => {
  const dirs: { remove(): void }[] = [];
  const tempDir = () => {
    const dir = makeTempDir('token-vault-keys-');
    dirs.push(dir);
    return dir.path;
  };
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('creates a 0600 key file once and reuses it afterwards', () => {
    const dataDir = join(tempDir(), 'data'); // does not exist yet
    const first = loadOrCreateLocalKeyRing(dataDir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dataDir, LOCAL_KEY_RING_FILE));
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const written = readFileSync(first.path, 'utf8');

    const second = loadOrCreateLocalKeyRing(dataDir);
    expect(second.created).toBe(false);
    expect(second.keyRing.ids).toEqual(first.keyRing.ids);
    expect(second.keyRing.keyFor(second.keyRing.currentId)).toEqual(
      first.keyRing.keyFor(first.keyRing.currentId),
    );
    expect(readFileSync(first.path, 'utf8')).toBe(written);
  });

  it('reads a ring the operator put there', () => {
    const dataDir = tempDir();
    const value = generateKeyRingString({ id: 'mine' });
    writeFileSync(join(dataDir, LOCAL_KEY_RING_FILE), `${value}\n`, { mode: 0o600 });
    const loaded = loadOrCreateLocalKeyRing(dataDir);
    expect(loaded.created).toBe(false);
    expect(loaded.keyRing.ids).toEqual(['mine']);
  });

  it('refuses a corrupt file, naming the file but not its content', () => {
    const dataDir = tempDir();
    const bad = `k1:${Buffer.alloc(16, 7).toString('base64')}`;
    writeFileSync(join(dataDir, LOCAL_KEY_RING_FILE), bad, { mode: 0o600 });
    expect(() => loadOrCreateLocalKeyRing(dataDir)).toThrow(
      new RegExp(`${LOCAL_KEY_RING_FILE}: key "k1" must be 32 bytes`),
    );
  });
});
