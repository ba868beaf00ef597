import { setRedirect, type HttpReply } from '../http/http-exchange';
import { type AppConfig, isAllowedRedirectUrl } from '@ledger/runtime';
import { validationFailed } from '../http/problem';
import type { CallbackOutcome } from './complete-oauth.handler';

/** A `returnTo` must be one of OAUTH_SUCCESS_REDIRECT_URLS, exactly: never an open redirect. */
export function checkReturnTo(config: AppConfig, returnTo: string | undefined): string | undefined {
  if (returnTo === undefined) return undefined;
  if (isAllowedRedirectUrl(config, returnTo)) return new URL(returnTo).href;
  throw validationFailed('returnTo is not an allowed redirect URL', [
    {
      field: 'returnTo',
      messages: ['returnTo must be one of the configured OAUTH_SUCCESS_REDIRECT_URLS'],
    },
  ]);
}

/** Sends the browser back to the front end with the outcome in the query string. */
export function redirectWithOutcome(
  response: HttpReply,
  config: AppConfig,
  returnTo: string,
  outcome: CallbackOutcome | { error: string },
): void {
  // Checked again here: the allow-list may have changed since the flow started.
  if (!isAllowedRedirectUrl(config, returnTo)) throw new Error('returnTo is no longer allowed');
  const url = new URL(returnTo);
  if ('error' in outcome) {
    url.searchParams.set('result', 'error');
    url.searchParams.set('code', outcome.error);
  } else if ('selection' in outcome) {
    url.searchParams.set('result', 'selection');
    url.searchParams.set('selectionId', outcome.selection.id);
  } else {
    url.searchParams.set('result', 'connected');
    url.searchParams.set('connectionIds', outcome.connections.map((c) => c.id).join(','));
  }
  // The handler's (passthrough) answer sends it, with an empty body.
  setRedirect(response, 303, url.href);
}
