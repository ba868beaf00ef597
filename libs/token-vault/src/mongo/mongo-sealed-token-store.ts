import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import type { SealedTokenRecord, SealedTokenStore, TokenRef } from '../sealed-token-store.port';

interface SealedTokenDoc {
  /** JSON of [workspaceId, connectionId]: unique per row without a secondary unique index. */
  _id: string;
  workspaceId: string;
  connectionId: string;
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
  sealedAt: string;
}

/** What lean() returns: Buffer paths come back as BSON Binary. */
type StoredDoc = Omit<SealedTokenDoc, 'iv' | 'authTag' | 'ciphertext'> & {
  iv: unknown;
  authTag: unknown;
  ciphertext: unknown;
};

const MODEL = 'SealedToken';

const schema = new Schema<SealedTokenDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    connectionId: { type: String, required: true },
    keyId: { type: String, required: true, index: true },
    iv: { type: Buffer, required: true },
    authTag: { type: Buffer, required: true },
    ciphertext: { type: Buffer, required: true },
    sealedAt: { type: String, required: true },
  },
  { versionKey: false, autoIndex: false, autoCreate: false },
);

const idOf = (ref: TokenRef): string => JSON.stringify([ref.workspaceId, ref.connectionId]);

/**
 * Sealed tokens in a MongoDB collection (mongoose). Durability and the scrubbing of deleted
 * documents are the server's: use a majority write concern in the connection string for a
 * replica set.
 */
export class MongoSealedTokenStore implements SealedTokenStore {
  private constructor(
    private readonly model: Model<SealedTokenDoc>,
    private readonly ownedConnection: Connection | null,
  ) {}

  /** On a connection the caller owns (and closes); creates the collection's indexes. */
  static async open({
    mongo,
    collection = 'sealed_tokens',
  }: {
    mongo: Connection;
    collection?: string;
  }): Promise<MongoSealedTokenStore> {
    return MongoSealedTokenStore.init(mongo, collection, false);
  }

  /** Opens its own connection, closed by close(). */
  static async connect(
    uri: string,
    options: { dbName?: string; collection?: string } = {},
  ): Promise<MongoSealedTokenStore> {
    const connection = await mongoose
      .createConnection(uri, options.dbName ? { dbName: options.dbName } : {})
      .asPromise();
    return MongoSealedTokenStore.init(connection, options.collection ?? 'sealed_tokens', true);
  }

  private static async init(
    connection: Connection,
    collection: string,
    owned: boolean,
  ): Promise<MongoSealedTokenStore> {
    const name = `${MODEL}:${collection}`;
    const model =
      (connection.models[name] as Model<SealedTokenDoc> | undefined) ??
      connection.model<SealedTokenDoc>(name, schema, collection);
    await model.createCollection().catch((error: { codeName?: string }) => {
      if (error.codeName !== 'NamespaceExists') throw error;
    });
    await model.createIndexes();
    return new MongoSealedTokenStore(model, owned ? connection : null);
  }

  async put(record: SealedTokenRecord): Promise<void> {
    await this.model.replaceOne({ _id: idOf(record) }, toDoc(record), { upsert: true });
  }

  async replace(record: SealedTokenRecord, expectedIv: Buffer): Promise<boolean> {
    const { _id, ...fields } = toDoc(record);
    const result = await this.model.updateOne({ _id, iv: expectedIv }, { $set: fields });
    return result.matchedCount === 1;
  }

  async get(workspaceId: string, connectionId: string): Promise<SealedTokenRecord | null> {
    const doc = await this.model.findById(idOf({ workspaceId, connectionId })).lean<StoredDoc>();
    return doc ? fromDoc(doc) : null;
  }

  async delete(workspaceId: string, connectionId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: idOf({ workspaceId, connectionId }) });
    return result.deletedCount === 1;
  }

  async deleteWorkspace(workspaceId: string): Promise<number> {
    const result = await this.model.deleteMany({ workspaceId });
    return result.deletedCount;
  }

  async countByKeyId(): Promise<Record<string, number>> {
    const rows = await this.model.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$keyId', n: { $sum: 1 } } },
    ]);
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  async listSealedWithOtherKeys(options: {
    exceptKeyId: string;
    after?: TokenRef;
    limit: number;
  }): Promise<SealedTokenRecord[]> {
    const filter = {
      keyId: { $ne: options.exceptKeyId },
      ...(options.after ? { _id: { $gt: idOf(options.after) } } : {}),
    };
    const docs = await this.model
      .find(filter)
      .sort({ _id: 1 })
      .limit(options.limit)
      .lean<StoredDoc[]>();
    return docs.map(fromDoc);
  }

  async close(): Promise<void> {
    await this.ownedConnection?.close();
  }
}

function toDoc(record: SealedTokenRecord): SealedTokenDoc {
  return {
    _id: idOf(record),
    workspaceId: record.workspaceId,
    connectionId: record.connectionId,
    keyId: record.keyId,
    iv: record.iv,
    authTag: record.authTag,
    ciphertext: record.ciphertext,
    sealedAt: record.sealedAt,
  };
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array };
  return Buffer.from(binary.buffer);
}

function fromDoc(doc: StoredDoc): SealedTokenRecord {
  return {
    workspaceId: doc.workspaceId,
    connectionId: doc.connectionId,
    keyId: doc.keyId,
    iv: toBuffer(doc.iv),
    authTag: toBuffer(doc.authTag),
    ciphertext: toBuffer(doc.ciphertext),
    sealedAt: doc.sealedAt,
  };
}
