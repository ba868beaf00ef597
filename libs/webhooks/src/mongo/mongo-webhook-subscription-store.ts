import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import type {
  StoredWebhookSubscription,
  WebhookSubscriptionStore,
} from '../subscription-store.port';
import type { WebhookEventType } from '../webhook-events';

interface SubscriptionDoc {
  /** The workspace id: one subscription per workspace. */
  _id: string;
  subscriptionId: string;
  url: string;
  events: string[];
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
  createdAt: Date;
  updatedAt: Date;
}

/** What lean() returns: Buffer paths come back as BSON Binary. */
type StoredDoc = Omit<SubscriptionDoc, 'iv' | 'authTag' | 'ciphertext'> & {
  iv: unknown;
  authTag: unknown;
  ciphertext: unknown;
};

const MODEL = 'WebhookSubscription';

const schema = new Schema<SubscriptionDoc>(
  {
    _id: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    keyId: { type: String, required: true },
    iv: { type: Buffer, required: true },
    authTag: { type: Buffer, required: true },
    ciphertext: { type: Buffer, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, autoIndex: false, autoCreate: false, timestamps: false },
);

/**
 * Webhook subscriptions in a MongoDB collection, one document per workspace (`_id`), the
 * secret sealed. remove() with a subscription id is a filtered delete: atomic on MongoDB; on
 * FerretDB 1.x a set() landing between its read and its delete could be removed with it (the
 * 410 case only, and the workspace's admin sets it again).
 */
export class MongoWebhookSubscriptionStore implements WebhookSubscriptionStore {
  private constructor(
    private readonly model: Model<SubscriptionDoc>,
    private readonly ownedConnection: Connection | null,
  ) {}

  /** On a connection the caller owns (and closes). */
  static async open({
    mongo,
    collection = 'webhook_subscriptions',
  }: {
    mongo: Connection;
    collection?: string;
  }): Promise<MongoWebhookSubscriptionStore> {
    return MongoWebhookSubscriptionStore.init(mongo, collection, false);
  }

  /** Opens its own connection, closed by close(). */
  static async connect(
    uri: string,
    options: { dbName?: string; collection?: string } = {},
  ): Promise<MongoWebhookSubscriptionStore> {
    const connection = await mongoose
      .createConnection(uri, options.dbName ? { dbName: options.dbName } : {})
      .asPromise();
    return MongoWebhookSubscriptionStore.init(
      connection,
      options.collection ?? 'webhook_subscriptions',
      true,
    );
  }

  private static async init(
    connection: Connection,
    collection: string,
    owned: boolean,
  ): Promise<MongoWebhookSubscriptionStore> {
    const name = `${MODEL}:${collection}`;
    const model =
      (connection.models[name] as Model<SubscriptionDoc> | undefined) ??
      connection.model<SubscriptionDoc>(name, schema, collection);
    await model.createCollection().catch((error: { codeName?: string }) => {
      if (error.codeName !== 'NamespaceExists') throw error;
    });
    return new MongoWebhookSubscriptionStore(model, owned ? connection : null);
  }

  async put(s: StoredWebhookSubscription): Promise<void> {
    const doc: SubscriptionDoc = {
      _id: s.workspaceId,
      subscriptionId: s.subscriptionId,
      url: s.url,
      events: [...s.events],
      keyId: s.secret.keyId,
      iv: s.secret.iv,
      authTag: s.secret.authTag,
      ciphertext: s.secret.ciphertext,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
    await this.model.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  async get(workspaceId: string): Promise<StoredWebhookSubscription | null> {
    const doc = await this.model.findById(workspaceId).lean<StoredDoc>();
    if (!doc) return null;
    return {
      workspaceId: doc._id,
      subscriptionId: doc.subscriptionId,
      url: doc.url,
      events: doc.events as WebhookEventType[],
      secret: {
        keyId: doc.keyId,
        iv: toBuffer(doc.iv),
        authTag: toBuffer(doc.authTag),
        ciphertext: toBuffer(doc.ciphertext),
      },
      createdAt: new Date(doc.createdAt),
      updatedAt: new Date(doc.updatedAt),
    };
  }

  async remove(workspaceId: string, subscriptionId?: string): Promise<boolean> {
    const filter =
      subscriptionId === undefined ? { _id: workspaceId } : { _id: workspaceId, subscriptionId };
    return (await this.model.deleteOne(filter)).deletedCount === 1;
  }

  async close(): Promise<void> {
    await this.ownedConnection?.close();
  }
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array };
  return Buffer.from(binary.buffer);
}
