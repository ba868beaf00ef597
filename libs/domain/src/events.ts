import type { Plan } from './plan';
import type { Platform } from './platform';
import { PUBLISHING_EVENT_TYPES, type PublishingEvent } from './publishing-events';

/**
 * Everything that happens to a workspace's connections is one of these events, appended to
 * the workspace's stream (`workspace-<id>`, see docs/decisions/0002-stream-layout.md).
 * Tokens never appear here: they live in the token vault.
 * Every event carries `at`, the instant the command was decided (ISO 8601), so a replay
 * needs nothing but the events.
 */
export interface CopiedFrom {
  workspaceId: string;
  connectionId: string;
}

export interface WorkspacePlanChanged {
  type: 'WorkspacePlanChanged';
  data: { workspaceId: string; plan: Plan; previousPlan: Plan; at: string };
}

export interface ConnectionConnected {
  type: 'ConnectionConnected';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    accountId: string;
    accountName: string;
    accountType: string;
    scopes: string[];
    tokenExpiresAt: string | null;
    copiedFrom: CopiedFrom | null;
    /** The connection this one depends on (Threads: its Instagram connection). */
    linkedConnectionId?: string | null;
    at: string;
  };
}

export interface MainAccountSet {
  type: 'MainAccountSet';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    previousMainConnectionId: string | null;
    at: string;
  };
}

export interface ConnectionReconnected {
  type: 'ConnectionReconnected';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    accountName: string;
    scopes: string[];
    tokenExpiresAt: string | null;
    at: string;
  };
}

/** New tokens from the platform (kept in the vault): background refresh or a manual one. */
export interface ConnectionTokensRefreshed {
  type: 'ConnectionTokensRefreshed';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    tokenExpiresAt: string | null;
    trigger: 'scheduled' | 'manual';
    at: string;
  };
}

export interface ConnectionExpired {
  type: 'ConnectionExpired';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    reason: string;
    at: string;
  };
}

export interface ConnectionErrored {
  type: 'ConnectionErrored';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    reason: string;
    at: string;
  };
}

export interface ConnectionRestored {
  type: 'ConnectionRestored';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    reason: string;
    at: string;
  };
}

/**
 * The platform now names the account differently (same platform account id), as the health
 * check found it: the connection shows the new name, the history keeps the previous one.
 */
export interface ConnectionRenamed {
  type: 'ConnectionRenamed';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    previousName: string;
    accountName: string;
    at: string;
  };
}

export interface ConnectionDisconnected {
  type: 'ConnectionDisconnected';
  data: {
    workspaceId: string;
    connectionId: string;
    platform: Platform;
    accountId: string;
    reason: string;
    wasMain: boolean;
    /** Set when this disconnect follows from another's (Threads after its Instagram). */
    causedByConnectionId?: string | null;
    at: string;
  };
}

export type WorkspaceEvent =
  | PublishingEvent
  | WorkspacePlanChanged
  | ConnectionConnected
  | MainAccountSet
  | ConnectionReconnected
  | ConnectionTokensRefreshed
  | ConnectionExpired
  | ConnectionErrored
  | ConnectionRestored
  | ConnectionRenamed
  | ConnectionDisconnected;

export type WorkspaceEventType = WorkspaceEvent['type'];

export const WORKSPACE_EVENT_TYPES: readonly WorkspaceEventType[] = [
  'WorkspacePlanChanged',
  'ConnectionConnected',
  'MainAccountSet',
  'ConnectionReconnected',
  'ConnectionTokensRefreshed',
  'ConnectionExpired',
  'ConnectionErrored',
  'ConnectionRestored',
  'ConnectionRenamed',
  'ConnectionDisconnected',
  ...PUBLISHING_EVENT_TYPES,
];

export function isWorkspaceEvent(event: { type: string }): event is WorkspaceEvent {
  return (WORKSPACE_EVENT_TYPES as readonly string[]).includes(event.type);
}

/**
 * The connections an event changes. The projection and the decider both count a connection's
 * version as the number of events that touched it, so the ETag a client reads is the version
 * an `If-Match` is checked against.
 */
export function connectionsTouchedBy(event: WorkspaceEvent): string[] {
  switch (event.type) {
    case 'WorkspacePlanChanged':
    case 'CampaignCreated':
    case 'CampaignFlagged':
    case 'PostScheduled':
    case 'PostPublished':
    case 'PostFailed':
      // Posts and campaigns use a connection without changing it: its ETag stays.
      return [];
    case 'MainAccountSet':
      return event.data.previousMainConnectionId &&
        event.data.previousMainConnectionId !== event.data.connectionId
        ? [event.data.previousMainConnectionId, event.data.connectionId]
        : [event.data.connectionId];
    default:
      return [event.data.connectionId];
  }
}

/** Stream names: one stream per workspace, one claim stream per platform account. */
export const workspaceStream = (workspaceId: string): string => `workspace-${workspaceId}`;
export const accountClaimStream = (platform: Platform, accountId: string): string =>
  `account-${platform}-${accountId}`;
