import { changePlan, type ChangePlan } from '../change-plan/change-plan';
import { connectAccount, type ConnectAccount } from '../connect-account/connect-account';
import {
  markConnectionErrored,
  markConnectionExpired,
  recordTokensRefreshed,
  restoreConnection,
  type RecordTokensRefreshed,
  type MarkConnectionErrored,
  type MarkConnectionExpired,
  type RestoreConnection,
} from '../connection-health/connection-health';
import {
  disconnectAccount,
  type DisconnectAccount,
} from '../disconnect-account/disconnect-account';
import type { WorkspaceEvent } from '../events';
import { createCampaign, type CreateCampaign } from '../create-campaign/create-campaign';
import {
  failPost,
  recordPostPublished,
  schedulePost,
  type FailPost,
  type RecordPostPublished,
  type SchedulePost,
} from '../schedule-post/schedule-post';
import { recordAccountRenamed, type RecordAccountRenamed } from '../rename-account/rename-account';
import { reconnectAccount, type ReconnectAccount } from '../reconnect-account/reconnect-account';
import { setMainAccount, type SetMainAccount } from '../set-main-account/set-main-account';
import type { WorkspaceState } from './state';

export type WorkspaceCommand =
  | ConnectAccount
  | SetMainAccount
  | ReconnectAccount
  | MarkConnectionExpired
  | MarkConnectionErrored
  | RestoreConnection
  | RecordTokensRefreshed
  | RecordAccountRenamed
  | DisconnectAccount
  | ChangePlan
  | CreateCampaign
  | SchedulePost
  | RecordPostPublished
  | FailPost;

/** decide(command, state) → events; throws DomainError when the command is refused. */
export function decide(command: WorkspaceCommand, state: WorkspaceState): WorkspaceEvent[] {
  switch (command.type) {
    case 'ConnectAccount':
      return connectAccount(command, state);
    case 'SetMainAccount':
      return setMainAccount(command, state);
    case 'ReconnectAccount':
      return reconnectAccount(command, state);
    case 'MarkConnectionExpired':
      return markConnectionExpired(command, state);
    case 'MarkConnectionErrored':
      return markConnectionErrored(command, state);
    case 'RestoreConnection':
      return restoreConnection(command, state);
    case 'RecordTokensRefreshed':
      return recordTokensRefreshed(command, state);
    case 'RecordAccountRenamed':
      return recordAccountRenamed(command, state);
    case 'DisconnectAccount':
      return disconnectAccount(command, state);
    case 'ChangePlan':
      return changePlan(command, state);
    case 'CreateCampaign':
      return createCampaign(command, state);
    case 'SchedulePost':
      return schedulePost(command, state);
    case 'RecordPostPublished':
      return recordPostPublished(command, state);
    case 'FailPost':
      return failPost(command, state);
  }
}
