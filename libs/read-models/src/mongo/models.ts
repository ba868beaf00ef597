import { Schema, type Connection, type Model } from 'mongoose';
import type { CopiedFrom, Plan, Platform } from '@ledger/domain';
import type { ConnectionStatus, ConnectionView } from '../workspace-read-model.port';

/**
 * One document per connection, keyed by workspace and connection id. `streamRevision` is the
 * last workspace-stream revision applied to it (the idempotence guard); `*Ms` fields hold
 * instants as epoch ms for filtering and ordering; `disconnectedAt` soft-removes it.
 */
export interface ConnectionDoc {
  _id: string;
  workspaceId: string;
  id: string;
  platform: Platform;
  accountId: string;
  accountName: string;
  accountType: string;
  status: ConnectionStatus;
  statusReason: string | null;
  isMain: boolean;
  connectedAt: string;
  connectedAtMs: number;
  tokenExpiresAt: string | null;
  tokenExpiresAtMs: number | null;
  copiedFrom: CopiedFrom | null;
  version: number;
  streamRevision: number;
  disconnectedAt: string | null;
}

export interface PlanDoc {
  _id: string;
  plan: Plan;
  streamRevision: number;
}

const options = { versionKey: false, autoIndex: false, autoCreate: false } as const;
const nullableString = { type: String, default: null };

const connectionSchema = new Schema<ConnectionDoc>(
  {
    _id: String,
    workspaceId: { type: String, required: true },
    id: { type: String, required: true },
    platform: { type: String, required: true },
    accountId: { type: String, required: true },
    accountName: { type: String, required: true },
    accountType: { type: String, required: true },
    status: { type: String, required: true },
    statusReason: nullableString,
    isMain: { type: Boolean, required: true },
    connectedAt: { type: String, required: true },
    connectedAtMs: { type: Number, required: true },
    tokenExpiresAt: nullableString,
    tokenExpiresAtMs: { type: Number, default: null },
    copiedFrom: {
      type: new Schema({ workspaceId: String, connectionId: String }, { _id: false }),
      default: null,
    },
    version: { type: Number, required: true },
    streamRevision: { type: Number, required: true },
    disconnectedAt: nullableString,
  },
  { ...options, collection: 'rm_connections' },
);
connectionSchema.index({ workspaceId: 1, disconnectedAt: 1, connectedAtMs: 1, id: 1 });
// The refresh job's question: whose token expires soonest, across workspaces.
connectionSchema.index({ disconnectedAt: 1, tokenExpiresAtMs: 1 });
// The health check's walk through every connection, by id.
connectionSchema.index({ disconnectedAt: 1, id: 1 });

const planSchema = new Schema<PlanDoc>(
  { _id: String, plan: { type: String, required: true }, streamRevision: Number },
  { ...options, collection: 'rm_workspace_plans' },
);

/** Where checkpoints were kept, one document per projection (now read as a floor). */
export const CHECKPOINTS_COLLECTION = 'rm_checkpoints';

export interface ReadModelModels {
  connections: Model<ConnectionDoc>;
  plans: Model<PlanDoc>;
}

/** The models on `connection`, registered once even when several stores share it. */
export function readModelModels(connection: Connection): ReadModelModels {
  const model = <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    connections: model('ReadModelConnection', connectionSchema),
    plans: model('ReadModelWorkspacePlan', planSchema),
  };
}

/** `_id` of a connection document: unambiguous whatever characters the ids hold. */
export const connectionKey = (workspaceId: string, connectionId: string): string =>
  JSON.stringify([workspaceId, connectionId]);

export function toView(doc: ConnectionDoc): ConnectionView {
  return {
    id: doc.id,
    workspaceId: doc.workspaceId,
    platform: doc.platform,
    accountId: doc.accountId,
    accountName: doc.accountName,
    accountType: doc.accountType,
    status: doc.status,
    statusReason: doc.statusReason ?? null,
    isMain: doc.isMain,
    connectedAt: doc.connectedAt,
    tokenExpiresAt: doc.tokenExpiresAt ?? null,
    copiedFrom: doc.copiedFrom
      ? { workspaceId: doc.copiedFrom.workspaceId, connectionId: doc.copiedFrom.connectionId }
      : null,
    version: doc.version,
  };
}
