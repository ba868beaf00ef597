import { type Connection } from 'mongoose';
import { shownActor } from '@ledger/event-store/shown-actor';
import { MongoCheckpoints } from '@ledger/event-store/feed';
import type {
  AuditActor,
  AuditEntry,
  AuditFilter,
  AuditPageRequest,
  AuditStore,
} from './audit.port';
import { connectMongo, onlyDuplicateKeys, type MongoLocation } from '@ledger/stores';

interface AuditDoc {
  _id: string;
  workspaceId: string;
  kind: AuditEntry['kind'];
  type: string;
  at: string;
  actor: AuditActor;
  correlationId: string | null;
  connectionId: string | null;
  connectionIds: string[];
  platform: AuditEntry['platform'];
  details: Record<string, unknown>;
}

export const AUDIT_ENTRIES_COLLECTION = 'audit_entries';
/** Where the checkpoint was kept, one document per name (now read as a floor). */
export const AUDIT_CHECKPOINTS_COLLECTION = 'audit_checkpoints';

/**
 * The audit trail in MongoDB or FerretDB. Entries never change, so every write is an insert
 * keyed by id (a duplicate key means it is there already): nothing relies on a filtered
 * update being atomic, which FerretDB does not guarantee.
 */
export class MongoAuditStore implements AuditStore {
  private constructor(
    private readonly connection: Connection,
    private readonly owned: boolean,
    private readonly checkpoints: MongoCheckpoints,
  ) {}

  static async open(location: MongoLocation): Promise<MongoAuditStore> {
    const { connection, owned } = await connectMongo(location);
    const checkpoints = await MongoCheckpoints.open(connection, AUDIT_CHECKPOINTS_COLLECTION);
    const store = new MongoAuditStore(connection, owned, checkpoints);
    await store.entries().createIndex({ workspaceId: 1, at: 1, _id: 1 });
    return store;
  }

  private entries() {
    return this.connection.collection<AuditDoc>(AUDIT_ENTRIES_COLLECTION);
  }

  async apply(
    entries: AuditEntry[],
    checkpoint: { projection: string; position: string },
  ): Promise<void> {
    if (entries.length > 0) {
      try {
        await this.entries().insertMany(entries.map(toDoc), { ordered: false });
      } catch (error) {
        if (!onlyDuplicateKeys(error)) throw error;
      }
    }
    // After the entries: a crash between the two only replays duplicate inserts.
    await this.checkpoints.advance(checkpoint.projection, checkpoint.position);
  }

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.entries().insertOne(toDoc(entry));
    } catch (error) {
      if (!onlyDuplicateKeys(error)) throw error;
    }
  }

  async getCheckpoint(projection: string): Promise<string | null> {
    return this.checkpoints.get(projection);
  }

  async reset(projection: string): Promise<void> {
    await this.entries().deleteMany({ kind: 'event' });
    await this.checkpoints.drop(projection);
  }

  async list(
    workspaceId: string,
    filter: AuditFilter,
    page: AuditPageRequest,
  ): Promise<AuditEntry[]> {
    const query: Record<string, unknown> = { workspaceId };
    const and: Record<string, unknown>[] = [];
    if (filter.actor !== undefined) query['actor.userId'] = filter.actor;
    if (filter.connectionId !== undefined) query.connectionIds = filter.connectionId;
    if (filter.platform !== undefined) query.platform = filter.platform;
    if (filter.type !== undefined) query.type = filter.type;
    if (filter.from !== undefined) and.push({ at: { $gte: new Date(filter.from).toISOString() } });
    if (filter.to !== undefined) and.push({ at: { $lt: new Date(filter.to).toISOString() } });
    if (page.after) {
      and.push({
        $or: [{ at: { $gt: page.after.at } }, { at: page.after.at, _id: { $gt: page.after.id } }],
      });
    }
    if (and.length > 0) query.$and = and;
    const docs = await this.entries()
      .find(query)
      .sort({ at: 1, _id: 1 })
      .limit(page.limit)
      .toArray();
    return docs.map(fromDoc);
  }

  async close(): Promise<void> {
    if (this.owned) await this.connection.close();
  }
}

function toDoc(entry: AuditEntry): AuditDoc {
  const { id, ...rest } = entry;
  return { _id: id, ...rest };
}

function fromDoc(doc: AuditDoc): AuditEntry {
  return {
    id: doc._id,
    workspaceId: doc.workspaceId,
    kind: doc.kind,
    type: doc.type,
    at: doc.at,
    // Documents written before the reason had its own field are shown as shownActor says.
    actor: shownActor({
      userId: doc.actor.userId,
      role: doc.actor.role,
      ip: doc.actor.ip ?? null,
      userAgent: doc.actor.userAgent ?? null,
      reason: doc.actor.reason ?? null,
    }),
    correlationId: doc.correlationId ?? null,
    connectionId: doc.connectionId ?? null,
    connectionIds: doc.connectionIds ?? [],
    platform: doc.platform ?? null,
    details: doc.details ?? {},
  };
}
