/**
 * Where sealed tokens rest. The vault owns this port; two adapters (SQLite, mongoose) pass
 * one contract suite (contract/sealed-token-store.contract.ts). Stores see ciphertext only.
 */
export interface TokenRef {
  workspaceId: string;
  connectionId: string;
}

export interface SealedTokenRecord extends TokenRef {
  /** Id of the ring key that sealed it (also bound into the GCM associated data). */
  keyId: string;
  /** 96-bit IV, fresh on every write: it also serves as the record's version for replace(). */
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
  /** ISO 8601 instant of the write. */
  sealedAt: string;
}

export interface SealedTokenStore {
  /** Inserts or overwrites the record of (workspaceId, connectionId). */
  put(record: SealedTokenRecord): Promise<void>;
  get(workspaceId: string, connectionId: string): Promise<SealedTokenRecord | null>;
  /**
   * Overwrites only if the stored record still has `expectedIv`: re-encryption must neither
   * undo a concurrent write of fresh tokens nor bring back a destroyed record.
   */
  replace(record: SealedTokenRecord, expectedIv: Buffer): Promise<boolean>;
  /**
   * Removes the record so it cannot be recovered (the adapter scrubs what it can of the
   * bytes on disk). True when there was one.
   */
  delete(workspaceId: string, connectionId: string): Promise<boolean>;
  /** Removes every record of the workspace; returns how many. */
  deleteWorkspace(workspaceId: string): Promise<number>;
  /** Number of records per key id: a key can leave the ring once its count is zero. */
  countByKeyId(): Promise<Record<string, number>>;
  /**
   * Records sealed under any key but `exceptKeyId`, in a stable order of the adapter's
   * choosing, starting strictly after `after` (a ref from the previous page).
   */
  listSealedWithOtherKeys(options: {
    exceptKeyId: string;
    after?: TokenRef;
    limit: number;
  }): Promise<SealedTokenRecord[]>;
  close(): Promise<void>;
}
