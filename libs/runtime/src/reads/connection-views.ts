import { postLengthLimit, type ConnectionState } from '@ledger/domain';
import type { ConnectionView } from '@ledger/read-models';

/** The public shape of a connection, from the decider's state (used for as-of replays). */
export function viewOf(workspaceId: string, c: ConnectionState): ConnectionView {
  return {
    id: c.id,
    workspaceId,
    platform: c.platform,
    accountId: c.accountId,
    accountName: c.accountName,
    accountType: c.accountType,
    status: c.status,
    statusReason: c.statusReason,
    isMain: c.isMain,
    connectedAt: c.connectedAt,
    tokenExpiresAt: c.tokenExpiresAt,
    copiedFrom: c.copiedFrom,
    version: c.version,
  };
}

/** A connection as the API answers it: the read model's fields plus what follows from them. */
export interface ConnectionResponse extends ConnectionView {
  /** The longest post the account allows (X Premium and Business: longer posts). */
  postLengthLimit: number;
}

export function responseOf(view: ConnectionView): ConnectionResponse {
  return { ...view, postLengthLimit: postLengthLimit(view.platform, view.accountType) };
}
