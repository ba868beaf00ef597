import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TokenVaultError } from './errors';

/**
 * AES-256-GCM with a fresh random 96-bit IV per seal. The associated data binds the ciphertext
 * to its row (workspace, connection) and to the key id it claims, so a ciphertext copied to
 * another row, or relabelled with another key id, fails authentication.
 */
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Versioned so a future format cannot be confused with this one.
const AAD_LABEL = 'connection-ledger/token-vault/v1';

export interface SealBinding {
  workspaceId: string;
  connectionId: string;
  keyId: string;
}

export interface SealedBox {
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/** JSON array: unambiguous, so ("a,b","c") and ("a","b,c") never share associated data. */
export function associatedData(binding: SealBinding): Buffer {
  return Buffer.from(
    JSON.stringify([AAD_LABEL, binding.workspaceId, binding.connectionId, binding.keyId]),
    'utf8',
  );
}

export function sealBytes(key: Buffer, binding: SealBinding, plaintext: Buffer): SealedBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, authTag: cipher.getAuthTag(), ciphertext };
}

/** The plaintext, or TOKEN_DECRYPTION_FAILED when the box was altered, moved or relabelled. */
export function openBytes(key: Buffer, binding: SealBinding, box: SealedBox): Buffer {
  try {
    // authTagLength refuses truncated tags, which would weaken GCM's authentication.
    const decipher = createDecipheriv(ALGORITHM, key, box.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(box.authTag);
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  } catch {
    // node's own message is generic, but replace it anyway: nothing of the input goes out.
    throw new TokenVaultError(
      'TOKEN_DECRYPTION_FAILED',
      `sealed tokens of connection "${binding.connectionId}" in workspace "${binding.workspaceId}" ` +
        `failed authentication under key "${binding.keyId}" (altered, moved to another row or relabelled)`,
      { ...binding },
    );
  }
}
