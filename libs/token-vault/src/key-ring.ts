import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { TokenVaultError } from './errors';

export const KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Strict standard base64: Buffer.from() silently skips bad characters, so check first.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalid(
  source: string,
  message: string,
  details: Record<string, unknown> = {},
): TokenVaultError {
  return new TokenVaultError('KEY_RING_INVALID', `${source}: ${message}`, details);
}

/**
 * The encryption keys by id, newest first. Key bytes only leave through keyFor(); printing,
 * inspecting or serialising the ring shows the ids alone.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly ids: readonly string[];

  private constructor(keys: Map<string, Buffer>) {
    this.#keys = keys;
    this.ids = Object.freeze([...keys.keys()]);
  }

  /**
   * Parses `id:base64key[,id:base64key...]`. Errors say which entry (1-based) is wrong and
   * why, never what it holds.
   */
  static parse(value: string, source = 'TOKEN_ENCRYPTION_KEYS'): KeyRing {
    if (value.trim() === '') throw invalid(source, 'no keys given (expected id:base64key pairs)');
    const keys = new Map<string, Buffer>();
    const seen = new Map<string, string>();
    value.split(',').forEach((raw, index) => {
      const entry = index + 1;
      const pair = raw.trim();
      if (pair === '') throw invalid(source, `entry ${entry} is empty`, { entry });
      const colon = pair.indexOf(':');
      if (colon < 0) throw invalid(source, `entry ${entry} is not in id:base64key form`, { entry });
      const id = pair.slice(0, colon).trim();
      const encoded = pair.slice(colon + 1).trim();
      if (!KEY_ID.test(id)) {
        // Not echoed: a malformed id may well be a pasted key.
        throw invalid(
          source,
          `entry ${entry} has an invalid key id (1-64 letters, digits, '.', '_' or '-')`,
          { entry },
        );
      }
      if (keys.has(id)) throw invalid(source, `key id "${id}" appears twice`, { entry, keyId: id });
      if (!BASE64.test(encoded)) {
        throw invalid(source, `key "${id}" is not valid base64`, { entry, keyId: id });
      }
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== KEY_BYTES) {
        throw invalid(source, `key "${id}" must be ${KEY_BYTES} bytes, got ${key.length}`, {
          entry,
          keyId: id,
        });
      }
      // Catches a rotation done by copy-paste: a "new" key that is the old one gives no rotation.
      const fingerprint = key.toString('hex');
      const earlier = seen.get(fingerprint);
      if (earlier !== undefined) {
        throw invalid(source, `key "${id}" holds the same key as key "${earlier}"`, {
          entry,
          keyId: id,
        });
      }
      seen.set(fingerprint, id);
      keys.set(id, key);
    });
    return new KeyRing(keys);
  }

  /** The newest key's id: new writes use it. */
  get currentId(): string {
    return this.ids[0];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** The key bytes, or undefined when the ring no longer holds that id. */
  keyFor(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  toJSON(): { ids: readonly string[] } {
    return { ids: this.ids };
  }

  toString(): string {
    return `KeyRing(${this.ids.join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function parseKeyRing(value: string, source?: string): KeyRing {
  return KeyRing.parse(value, source);
}

/** A key id that sorts by creation day, e.g. `k20250314-9f2c`. */
export function generateKeyId(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `k${day}-${randomBytes(2).toString('hex')}`;
}

/**
 * A fresh `id:base64key` entry; with `prependTo`, a rotated ring string (the new key first,
 * the old ones kept so existing records stay readable until re-encrypted).
 */
export function generateKeyRingString(options: { id?: string; prependTo?: string } = {}): string {
  const entry = `${options.id ?? generateKeyId()}:${randomBytes(KEY_BYTES).toString('base64')}`;
  const value = options.prependTo?.trim() ? `${entry},${options.prependTo.trim()}` : entry;
  KeyRing.parse(value); // refuses a bad id or a clash with an existing id
  return value;
}
