import type { Provider } from '@nestjs/common';
import { ChooseAccountsHandler } from './choose-accounts/choose-accounts.handler';
import { OfferSelectionHandler } from './choose-accounts/offer-selection.handler';
import { OfferedSelectionQuery } from './choose-accounts/offered-selection';
import { RecordWorkspaceCommandHandler } from './command-context/record-workspace-command';
import { CompleteOAuthHandler } from './connect-account/complete-oauth.handler';
import { ConnectAccountHandler } from './connect-account/connect-account.handler';
import { FinishConnectHandler } from './connect-account/finish-connect.handler';
import { StartOAuthHandler } from './connect-account/start-oauth.handler';
import { CompleteCopyHandler } from './copy-connection/complete-copy.handler';
import { StartCopyHandler } from './copy-connection/start-copy.handler';
import { DisconnectAccountHandler } from './disconnect-account/disconnect-account.handler';
import { ReconnectAccountHandler } from './reconnect-account/reconnect-account.handler';
import { RefreshConnectionHandler } from './refresh-connection/refresh-connection.handler';

/**
 * Every route that changes something sends one command over the @nestjs/cqrs bus; these are
 * their handlers (docs/decisions/0019). Breach response registers its own in its module.
 */
export const commandHandlers: Provider[] = [
  RecordWorkspaceCommandHandler,
  StartOAuthHandler,
  CompleteOAuthHandler,
  FinishConnectHandler,
  OfferSelectionHandler,
  ChooseAccountsHandler,
  ConnectAccountHandler,
  ReconnectAccountHandler,
  StartCopyHandler,
  CompleteCopyHandler,
  DisconnectAccountHandler,
  RefreshConnectionHandler,
  OfferedSelectionQuery,
];
