import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Clock } from '@ledger/commands/clock';
import type { Platform, WorkspaceEvent } from '@ledger/domain';
import { SqliteEventStore, type EventToAppend } from '@ledger/event-store';
import { generateKeyRingString, KeyRing } from '@ledger/token-vault';
import { makeTempDir } from '@ledger/testing/temp-dir';
import { testMongoUri, uniqueDatabaseName } from '@ledger/testing/mongo';
import type { WebhookDeliveryStore } from '../delivery-store.port';
import { MongoWebhookDeliveryStore } from '../mongo/mongo-webhook-delivery-store';
import { MongoWebhookSubscriptionStore } from '../mongo/mongo-webhook-subscription-store';
import { SqliteWebhookDeliveryStore } from '../sqlite/sqlite-webhook-delivery-store';
import { SqliteWebhookSubscriptionStore } from '../sqlite/sqlite-webhook-subscription-store';
import type { WebhookSubscriptionStore } from '../subscription-store.port';
import { WebhookEnqueuer } from '../webhook-enqueuer';
import { WebhookSubscriptions } from '../webhook-subscriptions';

/** A clock the test moves; nothing sleeps. */
export class FakeClock implements Clock {
  private ms: number;
  constructor(start: Date) {
    this.ms = start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(to: Date): void {
    this.ms = to.getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export type StoreKind = 'sqlite' | 'ferretdb';

export interface WebhookStores {
  kind: StoreKind;
  subscriptionStore: WebhookSubscriptionStore;
  deliveries: WebhookDeliveryStore;
  /** Another delivery store instance on the same storage, as another worker process has. */
  openAnotherDeliveries(): Promise<WebhookDeliveryStore>;
  /** Every byte the storage holds (files, or every document as extended JSON). */
  rawDump(): Promise<string>;
  dispose(): Promise<void>;
}

export async function openStores(kind: StoreKind): Promise<WebhookStores> {
  if (kind === 'sqlite') {
    const dir = makeTempDir('ledger-webhooks-');
    const subscriptionStore = SqliteWebhookSubscriptionStore.inDataDir(dir.path);
    const deliveries = SqliteWebhookDeliveryStore.inDataDir(dir.path);
    const opened: WebhookDeliveryStore[] = [deliveries];
    return {
      kind,
      subscriptionStore,
      deliveries,
      openAnotherDeliveries: async () => {
        const another = SqliteWebhookDeliveryStore.inDataDir(dir.path);
        opened.push(another);
        return another;
      },
      rawDump: async () =>
        readdirSync(dir.path)
          .map((f) => readFileSync(join(dir.path, f)).toString('latin1'))
          .join('\n'),
      dispose: async () => {
        await subscriptionStore.close();
        for (const store of opened) await store.close();
        dir.remove();
      },
    };
  }
  const dbName = uniqueDatabaseName('webhooks');
  const connect = () => mongoose.createConnection(testMongoUri(), { dbName }).asPromise();
  const connections: Connection[] = [await connect()];
  const subscriptionStore = await MongoWebhookSubscriptionStore.open({ mongo: connections[0] });
  const deliveries = await MongoWebhookDeliveryStore.open({ mongo: connections[0] });
  return {
    kind,
    subscriptionStore,
    deliveries,
    openAnotherDeliveries: async () => {
      const connection = await connect();
      connections.push(connection);
      return MongoWebhookDeliveryStore.open({ mongo: connection });
    },
    rawDump: async () => {
      const db = connections[0].db!;
      const parts: string[] = [];
      for (const { name } of await db.listCollections().toArray()) {
        const docs = await db.collection(name).find({}).toArray();
        parts.push(JSON.stringify(docs));
      }
      return parts.join('\n');
    },
    dispose: async () => {
      await connections[0].dropDatabase();
      for (const connection of connections) await connection.close();
    },
  };
}

export function testKeyRing(): KeyRing {
  return KeyRing.parse(generateKeyRingString());
}

/** A workspace's event stream in a real (SQLite) event store, and the enqueuer reading it. */
export class EventFeed {
  private constructor(
    readonly store: SqliteEventStore,
    private readonly remove: () => void,
  ) {}

  static open(): EventFeed {
    const dir = makeTempDir('ledger-webhook-events-');
    return new EventFeed(new SqliteEventStore({ path: join(dir.path, 'events.db') }), () =>
      dir.remove(),
    );
  }

  enqueuer(
    deliveries: WebhookDeliveryStore,
    subscriptions: WebhookSubscriptions,
    clock: Clock,
  ): WebhookEnqueuer {
    return new WebhookEnqueuer(this.store, deliveries, subscriptions, { clock });
  }

  /** Appends domain events to the workspace's stream; returns their ids. */
  async append(workspaceId: string, events: WorkspaceEvent[]): Promise<string[]> {
    const toAppend: EventToAppend<WorkspaceEvent>[] = events.map((e) => ({
      ...e,
      id: randomUUID(),
      metadata: {
        actor: { userId: 'user-1', role: 'admin', ip: '203.0.113.9', userAgent: 'test-agent' },
        correlationId: randomUUID(),
        causationId: null,
        schemaVersion: 1,
      },
    }));
    await this.store.append(`workspace-${workspaceId}`, toAppend, 'any');
    return toAppend.map((e) => e.id);
  }

  async close(): Promise<void> {
    await this.store.close();
    this.remove();
  }
}

export function expired(
  workspaceId: string,
  connectionId: string,
  at: Date,
  platform: Platform = 'x',
): WorkspaceEvent {
  return {
    type: 'ConnectionExpired',
    data: {
      workspaceId,
      connectionId,
      platform,
      reason: 'token reached end of life',
      at: at.toISOString(),
    },
  };
}
