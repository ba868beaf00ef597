import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from '@ledger/token-vault';
import type { SealedSecret } from './subscription-store.port';

/**
 * Webhook secrets at rest: AES-256-GCM under the token vault's key ring (TOKEN_ENCRYPTION_KEYS,
 * newest key for new seals, older keys still open old ones). The associated data binds the
 * ciphertext to its workspace, subscription and key id, under a label of its own, so a sealed
 * secret moved to another row, or a sealed token passed off as a secret, fails to open.
 */
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_LABEL = 'connection-ledger/webhook-secret/v1';

export interface SecretBinding {
  workspaceId: string;
  subscriptionId: string;
}

export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

function associatedData(binding: SecretBinding, keyId: string): Buffer {
  return Buffer.from(
    JSON.stringify([AAD_LABEL, binding.workspaceId, binding.subscriptionId, keyId]),
    'utf8',
  );
}

export function sealSecret(keyRing: KeyRing, binding: SecretBinding, secret: string): SealedSecret {
  const keyId = keyRing.currentId;
  const key = keyRing.keyFor(keyId);
  if (!key) throw new WebhookSecretError(`key ring has no key "${keyId}"`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding, keyId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return { keyId, iv, authTag: cipher.getAuthTag(), ciphertext };
}

/** The secret, or a WebhookSecretError that says whose secret failed, never what it holds. */
export function openSecret(keyRing: KeyRing, binding: SecretBinding, sealed: SealedSecret): string {
  const key = keyRing.keyFor(sealed.keyId);
  if (!key) {
    throw new WebhookSecretError(
      `webhook secret of workspace "${binding.workspaceId}" is sealed under key "${sealed.keyId}", which the key ring no longer holds`,
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(binding, sealed.keyId));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new WebhookSecretError(
      `webhook secret of workspace "${binding.workspaceId}" failed authentication under key "${sealed.keyId}"`,
    );
  }
}
