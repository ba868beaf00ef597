import { type ConnectionTokens, deserializeTokens, serializeTokens } from './connection-tokens';
import { TokenVaultError } from './errors';
import type { KeyRing } from './key-ring';
import type { SealedTokenRecord, SealedTokenStore, TokenRef } from './sealed-token-store.port';
import { openBytes, sealBytes } from './token-cipher';

export interface TokenVaultOptions {
  now?: () => Date;
}

/**
 * The connection tokens, sealed with the newest ring key and bound to their row. Destroying a
 * record is the crypto-shred of disconnect and breach response: history keeps no copy.
 */
export class TokenVault {
  private readonly now: () => Date;

  constructor(
    private readonly records: SealedTokenStore,
    private readonly keyRing: KeyRing,
    options: TokenVaultOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Seals and stores the tokens, replacing any the connection had. */
  async store(ref: TokenRef, tokens: ConnectionTokens): Promise<void> {
    checkRef(ref);
    const plaintext = serializeTokens(tokens);
    try {
      await this.records.put(this.sealRecord(ref, plaintext));
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * The tokens, or null when none are stored (never stored or destroyed). Throws UNKNOWN_KEY_ID
   * when the sealing key left the ring, TOKEN_DECRYPTION_FAILED when the record was tampered.
   */
  async read(ref: TokenRef): Promise<ConnectionTokens | null> {
    checkRef(ref);
    const record = await this.records.get(ref.workspaceId, ref.connectionId);
    if (!record) return null;
    const plaintext = this.openRecord(record);
    try {
      return deserializeTokens(plaintext);
    } finally {
      plaintext.fill(0);
    }
  }

  /** Deletes the record; true when there was one. */
  async destroy(ref: TokenRef): Promise<boolean> {
    checkRef(ref);
    return this.records.delete(ref.workspaceId, ref.connectionId);
  }

  /** Deletes every record of the workspace (breach response); returns how many. */
  /** Closes the underlying store. */
  close(): Promise<void> {
    return this.records.close();
  }

  async destroyWorkspace(workspaceId: string): Promise<number> {
    checkId('workspaceId', workspaceId);
    return this.records.deleteWorkspace(workspaceId);
  }

  /** Records per key id: an old key may be dropped from the ring once it has none. */
  async keyUsage(): Promise<Record<string, number>> {
    return this.records.countByKeyId();
  }

  /**
   * Re-seals every record not under the newest key with the newest key; returns how many it
   * moved. Records it cannot open (key gone from the ring, or tampered) are left as they are
   * and reported afterwards as REENCRYPTION_INCOMPLETE, so the old key is not dropped blindly.
   */
  async reencrypt(options: { batchSize?: number } = {}): Promise<number> {
    const limit = options.batchSize ?? 100;
    const exceptKeyId = this.keyRing.currentId;
    const failedByKeyId: Record<string, number> = {};
    let moved = 0;
    let after: TokenRef | undefined;
    for (;;) {
      const batch = await this.records.listSealedWithOtherKeys({ exceptKeyId, after, limit });
      for (const record of batch) {
        after = { workspaceId: record.workspaceId, connectionId: record.connectionId };
        let plaintext: Buffer;
        try {
          plaintext = this.openRecord(record);
        } catch (error) {
          if (!(error instanceof TokenVaultError)) throw error;
          failedByKeyId[record.keyId] = (failedByKeyId[record.keyId] ?? 0) + 1;
          continue;
        }
        try {
          // False when a concurrent store() or destroy() got there first: theirs stands.
          if (await this.records.replace(this.sealRecord(after, plaintext), record.iv)) moved++;
        } finally {
          plaintext.fill(0);
        }
      }
      if (batch.length < limit) break;
    }
    const failed = Object.values(failedByKeyId).reduce((a, b) => a + b, 0);
    if (failed > 0) {
      throw new TokenVaultError(
        'REENCRYPTION_INCOMPLETE',
        `re-encrypted ${moved} records; ${failed} could not be opened ` +
          `(by key id: ${JSON.stringify(failedByKeyId)}) and stay under their old key`,
        { reencrypted: moved, failedByKeyId },
      );
    }
    return moved;
  }

  private sealRecord(ref: TokenRef, plaintext: Buffer): SealedTokenRecord {
    const keyId = this.keyRing.currentId;
    const key = this.keyRing.keyFor(keyId) as Buffer;
    const box = sealBytes(key, { ...pick(ref), keyId }, plaintext);
    return { ...pick(ref), keyId, ...box, sealedAt: this.now().toISOString() };
  }

  private openRecord(record: SealedTokenRecord): Buffer {
    const key = this.keyRing.keyFor(record.keyId);
    if (!key) {
      throw new TokenVaultError(
        'UNKNOWN_KEY_ID',
        `sealed tokens of connection "${record.connectionId}" in workspace "${record.workspaceId}" ` +
          `are under key id "${record.keyId}", which the key ring no longer holds ` +
          `(ring: ${this.keyRing.ids.join(', ')})`,
        { ...pick(record), keyId: record.keyId, ringKeyIds: [...this.keyRing.ids] },
      );
    }
    return openBytes(key, { ...pick(record), keyId: record.keyId }, record);
  }
}

function pick(ref: TokenRef): TokenRef {
  return { workspaceId: ref.workspaceId, connectionId: ref.connectionId };
}

function checkId(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}

function checkRef(ref: TokenRef): void {
  checkId('workspaceId', ref?.workspaceId);
  checkId('connectionId', ref?.connectionId);
}
