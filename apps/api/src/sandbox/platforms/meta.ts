import { randomBytes } from 'node:crypto';
import { bearerToken, ok, type SandboxAnswer, type SandboxApiRequest } from '../sandbox-platform';

/** Meta's long-lived user tokens live about 60 days. */
export const META_LONG_LIVED_SECONDS = 60 * 24 * 3600;

/** A Graph error body: `{error:{message, type, code, fbtrace_id}}`. */
export function graphError(status: number, message: string, code: number): SandboxAnswer {
  const fbtraceId = randomBytes(8).toString('base64url');
  return {
    status,
    body: { error: { message, type: 'OAuthException', code, fbtrace_id: fbtraceId } },
  };
}

export const invalidGraphToken = (): SandboxAnswer =>
  graphError(400, 'Invalid OAuth access token - Cannot parse access token', 190);

export const unknownGraphPath = (path: string): SandboxAnswer =>
  graphError(400, `Unknown path components: /${path}`, 2500);

/**
 * The long-lived token exchange (`fb_exchange_token`, `ig_exchange_token`, `th_exchange_token`):
 * checks the grant, the app secret (and for Facebook the app id), and swaps the short-lived
 * sandbox token for a new one that lives 60 days.
 */
export function exchangeForLongLived(
  request: SandboxApiRequest,
  grant: string,
  tokenParameter: string,
  checkClientId: boolean,
): SandboxAnswer {
  const q = request.query;
  if (q.get('grant_type') !== grant) return graphError(400, 'Unsupported grant_type', 100);
  if (
    q.get('client_secret') !== request.client.secret ||
    (checkClientId && q.get('client_id') !== request.client.id)
  ) {
    return graphError(400, 'Error validating client secret.', 1);
  }
  const granted = request.grantOf(q.get(tokenParameter) ?? undefined);
  if (!granted) return invalidGraphToken();
  return ok({
    access_token: request.issue(granted.scope, META_LONG_LIVED_SECONDS),
    token_type: 'bearer',
    expires_in: META_LONG_LIVED_SECONDS,
  });
}

/** The scopes of the request's bearer token, or the Graph answer refusing it. */
export function authenticate(request: SandboxApiRequest): { scope: string[] } | SandboxAnswer {
  return request.grantOf(bearerToken(request.headers)) ?? invalidGraphToken();
}

export function isAnswer(value: { scope: string[] } | SandboxAnswer): value is SandboxAnswer {
  return 'status' in value;
}
