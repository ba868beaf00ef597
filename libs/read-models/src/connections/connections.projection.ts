import { isWorkspaceEvent, type WorkspaceEvent } from '@ledger/domain';
import type { ReadModelChange } from '../workspace-read-model.port';
import { projectPublishingEvent } from '../publishing/publishing.projection';

/** The part of a recorded event the projection reads. */
export interface ProjectableEvent {
  type: string;
  data: Record<string, unknown>;
  streamId: string;
  revision: number;
}

/**
 * Maps one event to the read-model changes it implies, posts and campaigns included. Pure:
 * the store applies them, bumps each touched connection's version by one (so versions follow
 * `connectionsTouchedBy`) and skips rows that already saw `streamRevision`. Events of other
 * streams (account claims) map to nothing, but the runner still advances the checkpoint past
 * them.
 */
export function projectConnectionsEvent(event: ProjectableEvent): ReadModelChange[] {
  if (!isWorkspaceEvent(event)) return [];
  const streamRevision = event.revision;
  // The type guard narrows `type`; the data shape comes with it from the domain's union.
  const e = event as unknown as WorkspaceEvent;
  switch (e.type) {
    case 'ConnectionConnected': {
      const d = e.data;
      return [
        {
          kind: 'connectionAdded',
          streamRevision,
          connection: {
            id: d.connectionId,
            workspaceId: d.workspaceId,
            platform: d.platform,
            accountId: d.accountId,
            accountName: d.accountName,
            accountType: d.accountType,
            status: 'active',
            statusReason: null,
            isMain: false,
            connectedAt: d.at,
            tokenExpiresAt: d.tokenExpiresAt,
            copiedFrom: d.copiedFrom ? { ...d.copiedFrom } : null,
            version: 1,
          },
        },
      ];
    }
    case 'MainAccountSet': {
      const d = e.data;
      const promote = changed(streamRevision, d, { isMain: true });
      // Setting the current main again touches it once, not twice.
      if (!d.previousMainConnectionId || d.previousMainConnectionId === d.connectionId) {
        return [promote];
      }
      const demote = changed(
        streamRevision,
        { workspaceId: d.workspaceId, connectionId: d.previousMainConnectionId },
        { isMain: false },
      );
      return [demote, promote];
    }
    case 'ConnectionReconnected':
      return [
        changed(streamRevision, e.data, {
          status: 'active',
          statusReason: null,
          accountName: e.data.accountName,
          tokenExpiresAt: e.data.tokenExpiresAt,
        }),
      ];
    case 'ConnectionTokensRefreshed':
      return [changed(streamRevision, e.data, { tokenExpiresAt: e.data.tokenExpiresAt })];
    case 'ConnectionExpired':
      return [changed(streamRevision, e.data, { status: 'expired', statusReason: e.data.reason })];
    case 'ConnectionErrored':
      return [changed(streamRevision, e.data, { status: 'error', statusReason: e.data.reason })];
    case 'ConnectionRestored':
      return [changed(streamRevision, e.data, { status: 'active', statusReason: null })];
    case 'ConnectionRenamed':
      return [changed(streamRevision, e.data, { accountName: e.data.accountName })];
    case 'ConnectionDisconnected':
      return [
        {
          kind: 'connectionRemoved',
          streamRevision,
          workspaceId: e.data.workspaceId,
          connectionId: e.data.connectionId,
          at: e.data.at,
        },
      ];
    case 'WorkspacePlanChanged':
      return [
        { kind: 'planChanged', streamRevision, workspaceId: e.data.workspaceId, plan: e.data.plan },
      ];
    default:
      // Posts and campaigns: kept beside the connections, under the same checkpoint.
      return projectPublishingEvent(e, streamRevision);
  }
}

type ConnectionChange = Extract<ReadModelChange, { kind: 'connectionChanged' }>;

function changed(
  streamRevision: number,
  target: { workspaceId: string; connectionId: string },
  set: ConnectionChange['set'],
): ConnectionChange {
  return {
    kind: 'connectionChanged',
    streamRevision,
    workspaceId: target.workspaceId,
    connectionId: target.connectionId,
    set,
  };
}
