import { randomBytes } from 'node:crypto';
import { TokenVaultError } from './errors';
import { openBytes, sealBytes, type SealBinding, type SealedBox } from './token-cipher';

const key = randomBytes(32);
const binding: SealBinding = { workspaceId: 'ws-1', connectionId: 'c-1', keyId: 'k1' };
const plaintext = Buffer.from('{"accessToken":"EAAB-secret"}');

function expectRefused(fn: () => unknown): void {
  expect(fn).toThrow(TokenVaultError);
  expect(fn).toThrow(/failed authentication/);
}

describe('token cipher (AES-256-GCM)', () => {
  it('opens what it sealed', () => {
    expect(openBytes(key, binding, sealBytes(key, binding, plaintext))).toEqual(plaintext);
  });

  it('uses a fresh 96-bit IV and a 128-bit tag on every seal', () => {
    const a = sealBytes(key, binding, plaintext);
    const b = sealBytes(key, binding, plaintext);
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.iv).not.toEqual(b.iv);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
  });

  it('refuses the box under another workspace, connection or key id, even with the same key', () => {
    const box = sealBytes(key, binding, plaintext);
    expectRefused(() => openBytes(key, { ...binding, workspaceId: 'ws-2' }, box));
    expectRefused(() => openBytes(key, { ...binding, connectionId: 'c-2' }, box));
    expectRefused(() => openBytes(key, { ...binding, keyId: 'k2' }, box));
  });

  it('refuses a wrong key, a flipped bit and a truncated tag', () => {
    const box = sealBytes(key, binding, plaintext);
    expectRefused(() => openBytes(randomBytes(32), binding, box));
    const flipped = Buffer.from(box.ciphertext);
    flipped[0] ^= 1;
    expectRefused(() => openBytes(key, binding, { ...box, ciphertext: flipped }));
    const truncated: SealedBox = { ...box, authTag: box.authTag.subarray(0, 4) };
    expectRefused(() => openBytes(key, binding, truncated));
  });

  it('keeps ambiguous id pairs apart in the associated data', () => {
    const a = { workspaceId: 'a,b', connectionId: 'c', keyId: 'k1' };
    const b = { workspaceId: 'a', connectionId: 'b,c', keyId: 'k1' };
    expectRefused(() => openBytes(key, b, sealBytes(key, a, plaintext)));
  });
});
