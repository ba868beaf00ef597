import { randomBytes } from 'node:crypto';
import { TIKTOK_OAUTH } from '@ledger/platforms';
import { bearerToken, ok, type SandboxAnswer, type SandboxPlatform } from '../sandbox-platform';

/** One TikTok business account. */
export const SANDBOX_TIKTOK_USER = {
  open_id: '-000SandboxStudioOpenId0001',
  union_id: 'c9c60f44-0000-4c0a-sandbox-000000000001',
  display_name: 'Sandbox Studio',
  username: 'sandbox.studio',
  is_verified: false,
};

const logId = () => randomBytes(16).toString('hex').toUpperCase();

/**
 * TikTok Login Kit and APIs: the token answer with `open_id` and `refresh_expires_in`, the
 * Display API `GET /v2/user/info/` and the API for Business `GET /open_api/v1.3/business/get/`
 * (token in `Access-Token`). The sandbox serves both APIs under one base URL.
 */
export const sandboxTikTok: SandboxPlatform = {
  label: 'TikTok',
  traits: TIKTOK_OAUTH,
  accessTokenTtl: 86_400,
  refreshTokenTtl: 365 * 86_400,
  accounts: [`${SANDBOX_TIKTOK_USER.username} (TikTok business account)`],
  tokenAnswer: (grant) => ({
    access_token: grant.accessToken,
    expires_in: grant.expiresIn,
    open_id: SANDBOX_TIKTOK_USER.open_id,
    refresh_expires_in: grant.refreshExpiresIn,
    refresh_token: grant.refreshToken,
    scope: grant.scope.join(','),
    token_type: 'Bearer',
  }),
  api(request) {
    if (request.path === 'v2/user/info') {
      if (!request.grantOf(bearerToken(request.headers))) {
        return displayError(
          401,
          'access_token_invalid',
          'The access token is invalid or not found in the request.',
        );
      }
      return ok({
        data: { user: SANDBOX_TIKTOK_USER },
        error: { code: 'ok', message: '', log_id: logId() },
      });
    }
    if (request.path === 'open_api/v1.3/business/get') {
      const token = request.headers['access-token'];
      if (!request.grantOf(typeof token === 'string' ? token : undefined)) {
        return business(40105, 'Access token is invalid or has been revoked.');
      }
      if (request.query.get('business_id') !== SANDBOX_TIKTOK_USER.open_id) {
        return business(40002, 'business_id does not match the access token.');
      }
      return business(0, 'OK', {
        is_business_account: true,
        display_name: SANDBOX_TIKTOK_USER.display_name,
        username: SANDBOX_TIKTOK_USER.username,
      });
    }
    return displayError(404, 'invalid_params', 'Unknown endpoint.');
  },
};

function displayError(status: number, code: string, message: string): SandboxAnswer {
  return { status, body: { data: {}, error: { code, message, log_id: logId() } } };
}

/** The API for Business answers HTTP 200 with its own `code` (0: OK). */
function business(
  code: number,
  message: string,
  data: Record<string, unknown> = {},
): SandboxAnswer {
  return ok({ code, message, request_id: logId(), data });
}
