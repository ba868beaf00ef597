import type { WebhookEventType } from './webhook-events';

/** A webhook secret sealed with AES-256-GCM (see secret-box.ts); the plaintext is never stored. */
export interface SealedSecret {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/** One workspace's webhook as stored: at most one per workspace. */
export interface StoredWebhookSubscription {
  workspaceId: string;
  /** New on every set(): a 410 removes the subscription only if it is still the one that answered. */
  subscriptionId: string;
  url: string;
  events: WebhookEventType[];
  secret: SealedSecret;
  /** When the workspace first set a webhook (kept across later sets of the same workspace). */
  createdAt: Date;
  updatedAt: Date;
}

/** Where each workspace's webhook goes. Adapters: SQLite file, mongoose collection. */
export interface WebhookSubscriptionStore {
  /** Creates or replaces the workspace's subscription. */
  put(subscription: StoredWebhookSubscription): Promise<void>;
  get(workspaceId: string): Promise<StoredWebhookSubscription | null>;
  /**
   * Removes the workspace's subscription; with `subscriptionId`, only while it is still that
   * one (a newer set() survives a 410 aimed at the old one). True when something was removed.
   */
  remove(workspaceId: string, subscriptionId?: string): Promise<boolean>;
  close(): Promise<void>;
}
