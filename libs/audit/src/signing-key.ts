import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { securePrivateDir, tightenPrivateFile } from '@ledger/private-files';
import { join } from 'node:path';
import { canonicalJson } from '@ledger/event-store';

/**
 * A signed chain head: the event at `revision` of `streamId` had `hash` at `signedAt`. A
 * stream's checkpoints form a chain of their own: number `sequence` (1, 2, ...) carries the
 * hash of the one before it, so a deleted checkpoint leaves a gap or a broken link.
 */
export interface SignedCheckpoint {
  streamId: string;
  revision: number;
  hash: string;
  /** ISO instant. */
  signedAt: string;
  keyId: string;
  /** 1 for a stream's first chained checkpoint; null on a legacy row (signed before chaining). */
  sequence: number | null;
  /**
   * checkpointHash of the stream's previous checkpoint (for sequence 1: of its newest legacy
   * checkpoint, or GENESIS_HASH when it has none); null on a legacy row.
   */
  prevCheckpointHash: string | null;
  /** Ed25519 over canonical JSON of the fields above (legacy rows: without the two last), base64. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<SignedCheckpoint, 'signature' | 'keyId'>;

export const LOCAL_SIGNING_KEY_FILE = 'audit-signing-key';

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/**
 * The bytes a checkpoint's signature covers. A legacy row (no sequence) was signed over the
 * five fields it has; stripping a chained checkpoint's sequence does not make it verify.
 */
export function checkpointPayload(checkpoint: Omit<SignedCheckpoint, 'signature'>): Buffer {
  const { streamId, revision, hash, signedAt, keyId, sequence, prevCheckpointHash } = checkpoint;
  const signed =
    sequence === null
      ? { streamId, revision, hash, signedAt, keyId }
      : { streamId, revision, hash, signedAt, keyId, sequence, prevCheckpointHash };
  return Buffer.from(canonicalJson(signed), 'utf8');
}

/** What the next checkpoint of the stream links to: SHA-256 (hex) of the signed payload. */
export function checkpointHash(checkpoint: Omit<SignedCheckpoint, 'signature'>): string {
  return createHash('sha256').update(checkpointPayload(checkpoint)).digest('hex');
}

/** The Ed25519 key that signs checkpoints; its key id is derived from the public key. */
export class CheckpointSigner {
  readonly keyId: string;
  /** SubjectPublicKeyInfo DER, base64: what an outside verifier needs. */
  readonly publicKey: string;
  private readonly publicKeyObject: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new SigningKeyError('AUDIT_SIGNING_KEY must be an Ed25519 key');
    }
    this.publicKeyObject = createPublicKey(privateKey);
    const spki = this.publicKeyObject.export({ format: 'der', type: 'spki' });
    this.publicKey = spki.toString('base64');
    this.keyId = createHash('sha256').update(spki).digest('hex').slice(0, 16);
  }

  /** From PKCS8 DER in base64 (AUDIT_SIGNING_KEY). */
  static fromPkcs8Base64(value: string): CheckpointSigner {
    let key: KeyObject;
    try {
      key = createPrivateKey({
        key: Buffer.from(value.trim(), 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
    } catch {
      throw new SigningKeyError('AUDIT_SIGNING_KEY is not a base64 PKCS8 private key');
    }
    return new CheckpointSigner(key);
  }

  static generate(): CheckpointSigner {
    return new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  }

  toPkcs8Base64(): string {
    return this.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  }

  sign(checkpoint: UnsignedCheckpoint): SignedCheckpoint {
    const unsigned = { ...checkpoint, keyId: this.keyId };
    const signature = sign(null, checkpointPayload(unsigned), this.privateKey).toString('base64');
    return { ...unsigned, signature };
  }

  /** True when this key signed exactly this checkpoint. */
  verify(checkpoint: SignedCheckpoint): boolean {
    if (checkpoint.keyId !== this.keyId) return false;
    try {
      return verify(
        null,
        checkpointPayload(checkpoint),
        this.publicKeyObject,
        Buffer.from(checkpoint.signature, 'base64'),
      );
    } catch {
      return false;
    }
  }
}

export interface SigningKeyConfig {
  /** AUDIT_SIGNING_KEY: PKCS8 DER, base64. */
  configuredKey?: string | null;
  dataDir: string;
  isProduction: boolean;
}

/**
 * AUDIT_SIGNING_KEY, or outside production a key kept in `<dataDir>/audit-signing-key`
 * (created mode 0600 on first use, write-to-temp then link() so racing processes agree).
 */
export function loadSigningKey(config: SigningKeyConfig): {
  signer: CheckpointSigner;
  localPath: string | null;
  created: boolean;
} {
  if (config.configuredKey) {
    return {
      signer: CheckpointSigner.fromPkcs8Base64(config.configuredKey),
      localPath: null,
      created: false,
    };
  }
  if (config.isProduction) {
    throw new SigningKeyError('AUDIT_SIGNING_KEY is required in production');
  }
  const path = join(config.dataDir, LOCAL_SIGNING_KEY_FILE);
  securePrivateDir(config.dataDir);
  tightenPrivateFile(path);
  const existing = readIfExists(path);
  if (existing !== null) {
    return { signer: CheckpointSigner.fromPkcs8Base64(existing), localPath: path, created: false };
  }
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${CheckpointSigner.generate().toPkcs8Base64()}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(temp, 0o600);
  let created = true;
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    unlinkSync(temp);
  }
  return {
    signer: CheckpointSigner.fromPkcs8Base64(readFileSync(path, 'utf8')),
    localPath: path,
    created,
  };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
