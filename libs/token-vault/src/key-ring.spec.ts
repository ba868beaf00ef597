import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { TokenVaultError } from './errors';
import { generateKeyRingString, KeyRing, parseKeyRing } from './key-ring';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

/** The parse error, checked to be a KEY_RING_INVALID that echoes none of the given secrets. */
function parseError(value: string, secrets: string[]): TokenVaultError {
  let caught: unknown;
  try {
    parseKeyRing(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TokenVaultError);
  const error = caught as TokenVaultError;
  expect(error.code).toBe('KEY_RING_INVALID');
  const said = `${error.message} ${JSON.stringify(error.details)} ${error.stack}`;
  for (const secret of secrets) {
    expect(said).not.toContain(secret);
    expect(said).not.toContain(secret.slice(0, 8));
  }
  return error;
}

describe('KeyRing.parse', () => {
  it('reads id:base64key pairs, the first being the current key', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const ring = parseKeyRing(` new:${k1.toString('base64')} , old:${k2.toString('base64')} `);
    expect(ring.ids).toEqual(['new', 'old']);
    expect(ring.currentId).toBe('new');
    expect(ring.keyFor('new')).toEqual(k1);
    expect(ring.keyFor('old')).toEqual(k2);
    expect(ring.keyFor('gone')).toBeUndefined();
    expect(ring.has('old')).toBe(true);
  });

  it('refuses an empty value', () => {
    expect(parseError('', []).message).toMatch(/no keys given/);
    expect(parseError('  ', []).message).toMatch(/no keys given/);
  });

  it('refuses a key that is not 32 bytes, naming the id and the length only', () => {
    const short = b64(16);
    expect(parseError(`k1:${short}`, [short]).message).toMatch(/key "k1" must be 32 bytes, got 16/);
    const long = b64(33);
    expect(parseError(`k1:${b64(32)},k2:${long}`, [long]).message).toMatch(/"k2".*got 33/);
  });

  it('refuses bad base64 instead of decoding what it can', () => {
    const good = b64(32);
    const bad = `${good.slice(0, 20)}!${good.slice(21)}`;
    expect(parseError(`k1:${bad}`, [bad]).message).toMatch(/key "k1" is not valid base64/);
  });

  it('refuses duplicate key ids and the same key under two ids', () => {
    const [a, b] = [b64(32), b64(32)];
    expect(parseError(`k1:${a},k1:${b}`, [a, b]).message).toMatch(/key id "k1" appears twice/);
    expect(parseError(`k1:${a},k2:${a}`, [a]).message).toMatch(
      /"k2" holds the same key as key "k1"/,
    );
  });

  it('refuses an entry without an id, an empty entry, and does not echo a malformed id', () => {
    const key = b64(32);
    expect(parseError(key, [key]).message).toMatch(/entry 1 is not in id:base64key form/);
    expect(parseError(`k1:${key},`, [key]).message).toMatch(/entry 2 is empty/);
    // A key pasted where the id goes must not come back in the message.
    const pasted = b64(32);
    expect(parseError(`${pasted}:${key}`, [pasted, key]).message).toMatch(/invalid key id/);
  });

  it('never shows key bytes when printed, inspected or serialised', () => {
    const key = b64(32);
    const ring = parseKeyRing(`k1:${key}`);
    const hex = Buffer.from(key, 'base64').toString('hex');
    for (const shown of [String(ring), inspect(ring, { showHidden: true }), JSON.stringify(ring)]) {
      expect(shown).toContain('k1');
      expect(shown).not.toContain(key);
      expect(shown).not.toContain(hex.slice(0, 16));
    }
  });
});

describe('generateKeyRingString', () => {
  it('generates a parseable single-key ring with a fresh key each time', () => {
    const a = KeyRing.parse(generateKeyRingString());
    const b = KeyRing.parse(generateKeyRingString());
    expect(a.ids).toHaveLength(1);
    expect(a.keyFor(a.currentId)).toHaveLength(32);
    expect(a.keyFor(a.currentId)).not.toEqual(b.keyFor(b.currentId));
  });

  it('prepends a new key to an existing ring for rotation', () => {
    const old = generateKeyRingString({ id: 'old' });
    const rotated = KeyRing.parse(generateKeyRingString({ id: 'new', prependTo: old }));
    expect(rotated.ids).toEqual(['new', 'old']);
    expect(rotated.keyFor('old')).toEqual(KeyRing.parse(old).keyFor('old'));
    expect(() => generateKeyRingString({ id: 'old', prependTo: old })).toThrow(/appears twice/);
  });
});
