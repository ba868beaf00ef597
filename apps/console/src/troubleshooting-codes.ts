/**
 * Every `code` the API answers (ARCHITECTURE.md "Errors"; apps/api/src/http/problem-mapping.ts
 * and platform-problem.ts), with the help page's words and what to do. A browser test checks
 * that each code the API can map has an entry here.
 */
export interface CodeHelp {
  code: string;
  status: number;
  title: string;
  what: string;
  todo: string;
}

export const CODE_HELP: CodeHelp[] = [
  {
    code: 'CONNECTION_EXPIRED',
    status: 409,
    title: 'Connection Expired',
    what: 'The platform no longer accepts the account’s token (it reached end of life, the password changed, or access was removed).',
    todo: 'Reconnect: open the connection and choose Reconnect; posts resume once it is active.',
  },
  {
    code: 'INSUFFICIENT_PERMISSIONS',
    status: 403,
    title: 'Insufficient Permissions',
    what: 'The platform scopes granted, or your role on the Page or company page, do not allow connecting it.',
    todo: 'Ask for the Admin role on the account at the platform, then connect again and grant every requested permission.',
  },
  {
    code: 'ACCOUNT_NOT_FOUND',
    status: 404,
    title: 'Account Not Found',
    what: 'The platform says the account is gone (deleted, deactivated or suspended).',
    todo: 'Check that the account still exists at the platform, then reconnect, or disconnect it here.',
  },
  {
    code: 'RATE_LIMIT_EXCEEDED',
    status: 429,
    title: 'Rate Limit Exceeded',
    what: 'Too many connection attempts this hour for you in this workspace.',
    todo: 'Wait the time shown (Retry-After, in seconds), then try again.',
  },
  {
    code: 'ALREADY_CONNECTED_ELSEWHERE',
    status: 409,
    title: 'Already Connected Elsewhere',
    what: 'The account is connected in another workspace: an account belongs to one workspace at a time.',
    todo: 'Use Copy to Workspace from the workspace that has it, or disconnect it there first.',
  },
  {
    code: 'PLAN_LIMIT_REACHED',
    status: 402,
    title: 'Plan limit reached',
    what: 'The workspace’s plan allows no more accounts on this platform.',
    todo: 'An owner upgrades the plan (the upgrade dialog names the next plan), or disconnect an account first.',
  },
  {
    code: 'ACCOUNT_TYPE_NOT_SUPPORTED',
    status: 422,
    title: 'Account type not supported',
    what: 'The platform account cannot be used (e.g. a personal TikTok account, or a restricted region).',
    todo: 'Switch the account to a business or creator account at the platform, then connect again.',
  },
  {
    code: 'ALREADY_CONNECTED',
    status: 409,
    title: 'Account already connected',
    what: 'This workspace already has this account.',
    todo: 'Nothing to do; use Reconnect on the existing connection if it has expired.',
  },
  {
    code: 'LINKED_ACCOUNT_REQUIRED',
    status: 409,
    title: 'Linked account not connected',
    what: 'The account needs its linked account connected first (an Instagram account through its Facebook Page).',
    todo: 'Connect the linked account first, then this one.',
  },
  {
    code: 'NO_MAIN_ACCOUNT',
    status: 409,
    title: 'No main account to choose',
    what: 'A post without a connection goes to the platform’s main account, and there is none.',
    todo: 'Set a main account for the platform (Set as Main), or choose the connection.',
  },
  {
    code: 'POST_TOO_LONG',
    status: 422,
    title: 'Post too long for this account',
    what: 'The content is longer than the account allows.',
    todo: 'Shorten the post to the limit shown.',
  },
  {
    code: 'MEDIA_REQUIRED',
    status: 422,
    title: 'This platform needs an image or video',
    what: 'Instagram and TikTok publish only media: a text-only post cannot be scheduled there.',
    todo: 'Add an image or video to the post, or schedule the text on another platform.',
  },
  {
    code: 'RECONNECT_ACCOUNT_MISMATCH',
    status: 409,
    title: 'Reconnected a different account',
    what: 'You signed in at the platform as another account than the one being reconnected.',
    todo: 'Sign out at the platform, then Reconnect and sign in as the connection’s account.',
  },
  {
    code: 'COPY_ACCOUNT_MISMATCH',
    status: 409,
    title: 'Signed in without the account being copied',
    what: 'The platform sign-in for the copy did not include the account being copied.',
    todo: 'Copy again and sign in with access to that account.',
  },
  {
    code: 'INVALID_STATE_TRANSITION',
    status: 409,
    title: 'Invalid state transition',
    what: 'The connection is not in a state that allows this action (e.g. already disconnected).',
    todo: 'Reload the page to see its current state.',
  },
  {
    code: 'PRECONDITION_FAILED',
    status: 412,
    title: 'Precondition failed',
    what: 'Someone changed the connection since you loaded it (its version moved on).',
    todo: 'Reload, check the change, and try again.',
  },
  {
    code: 'REFRESH_NOT_AVAILABLE',
    status: 409,
    title: 'Refresh not available',
    what: 'The platform gives no way to refresh this token (a Facebook Page token, for one), or refreshing is not configured.',
    todo: 'Reconnect before the token expires.',
  },
  {
    code: 'REFRESH_IN_PROGRESS',
    status: 409,
    title: 'Refresh in progress',
    what: 'A refresh of this connection is already running.',
    todo: 'Try again in a minute.',
  },
  {
    code: 'CONNECTION_ERROR',
    status: 409,
    title: 'Connection in error',
    what: 'The platform refused the refresh; the connection’s status reason says why.',
    todo: 'Read the status reason, fix it at the platform, then Reconnect.',
  },
  {
    code: 'VALIDATION_FAILED',
    status: 400,
    title: 'Validation failed',
    what: 'The request was malformed; each wrong field is listed.',
    todo: 'Correct the fields named and send again.',
  },
  {
    code: 'UNAUTHENTICATED',
    status: 401,
    title: 'Not signed in',
    what: 'No token, or the token is invalid or expired.',
    todo: 'Sign out and sign in with a fresh token.',
  },
  {
    code: 'FORBIDDEN',
    status: 403,
    title: 'Forbidden',
    what: 'Your role in this workspace does not allow this action.',
    todo: 'Ask an owner or admin of the workspace to do it, or to give you that role.',
  },
  {
    code: 'NOT_FOUND',
    status: 404,
    title: 'Not found',
    what: 'No such connection, selection or resource in this workspace (a selection expires after 15 minutes).',
    todo: 'Check the workspace you are in; start connecting again for an expired selection.',
  },
  {
    code: 'PLATFORM_NOT_CONFIGURED',
    status: 404,
    title: 'Platform not available',
    what: 'The platform has no client credentials on this server.',
    todo: 'Ask an operator to configure this platform.',
  },
  {
    code: 'OAUTH_STATE_INVALID',
    status: 400,
    title: 'OAuth state refused',
    what: 'The sign-in at the platform came back with an unknown, used or expired flow (or in another browser).',
    todo: 'Start connecting again from the Integrations page, in this browser.',
  },
  {
    code: 'OAUTH_CALLBACK_INVALID',
    status: 400,
    title: 'OAuth callback malformed',
    what: 'The platform sent the browser back without what the callback needs.',
    todo: 'Start connecting again from the Integrations page.',
  },
  {
    code: 'OAUTH_ACCESS_DENIED',
    status: 403,
    title: 'Access not granted',
    what: 'You declined the permissions at the platform.',
    todo: 'Approve the requested permissions to connect the account.',
  },
  {
    code: 'OAUTH_AUTHORIZATION_FAILED',
    status: 502,
    title: 'Platform refused the authorization',
    what: 'The platform refused to complete the sign-in.',
    todo: 'Try connecting again; if it persists, check the app settings at the platform.',
  },
  {
    code: 'OAUTH_TOKEN_REJECTED',
    status: 400,
    title: 'Authorization code refused',
    what: 'The platform refused the authorization code (they are short-lived and single use).',
    todo: 'Start connecting again.',
  },
  {
    code: 'PLATFORM_RATE_LIMITED',
    status: 503,
    title: 'Platform rate limit',
    what: 'The platform is limiting our calls for now.',
    todo: 'Wait the time shown (Retry-After) and retry.',
  },
  {
    code: 'PLATFORM_UNAVAILABLE',
    status: 503,
    title: 'Platform unavailable',
    what: 'The platform did not answer, or answered with an error.',
    todo: 'Wait and retry.',
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    title: 'Request too large',
    what: 'The request body is larger than the API takes.',
    todo: 'Send less (a post’s content has a maximum length).',
  },
  {
    code: 'IDEMPOTENCY_KEY_IN_USE',
    status: 409,
    title: 'Same request still running',
    what: 'A request with the same Idempotency-Key is still being handled.',
    todo: 'Wait for it to finish, then retry with the same key to get its answer.',
  },
  {
    code: 'IDEMPOTENCY_KEY_REUSED',
    status: 422,
    title: 'Idempotency-Key reused',
    what: 'The Idempotency-Key was already used for a different request.',
    todo: 'Use a new key for a new request.',
  },
  {
    code: 'INTERNAL_ERROR',
    status: 500,
    title: 'Internal error',
    what: 'Something failed on the server; nothing was changed.',
    todo: 'Try again; if it persists, give an operator the correlation id shown.',
  },
  {
    code: 'SERVICE_UNAVAILABLE',
    status: 503,
    title: 'Service unavailable',
    what: 'The service is starting, stopping or cannot reach its storage.',
    todo: 'Wait a moment and retry.',
  },
];

export const helpFor = (code: string) => CODE_HELP.find((help) => help.code === code);
