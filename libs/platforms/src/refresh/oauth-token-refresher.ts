import type { Platform } from '@ledger/domain';
import type { PlatformApiErrorCode } from '../errors';
import { readJsonBody, safeCause, boundedFetch, unansweredReason } from '../http';
import { GRAPH_PLATFORM_LABELS } from '../meta/graph-errors';
import type { TokenEndpointAuth } from '../platform-definition';
import { TokenRefreshError, plainErrorCode } from './refresh-errors';
import {
  RefreshNotDueError,
  addSeconds,
  instant,
  noRefresh,
  scheduledRefreshAt,
  seconds,
  shownDate,
  type RefreshPlan,
  type RefreshTiming,
  type RefreshableTokens,
  type RefreshedTokens,
  type TokenRefresher,
} from './token-refresher';

/** How one platform's token endpoint refreshes (RFC 6749 §6) and says why it will not. */
export interface OAuthRefreshSettings {
  platform: Platform;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** HTTP Basic (X) or id and secret in the form body (TikTok, LinkedIn). */
  auth: TokenEndpointAuth;
  /** The client id's name in the body: TikTok says `client_key`. Default `client_id`. */
  clientIdParameter?: string;
  /** Refresh tokens rotate: the answer's refresh token replaces the presented one, which dies. */
  rotates: boolean;
  timing: RefreshTiming;
  /**
   * Error codes that, answering a refresh grant, mean the refresh token is dead. Default
   * `invalid_grant` (RFC 6749); X and LinkedIn say `invalid_request` for a used, revoked or
   * expired refresh token.
   */
  deadTokenErrors?: readonly string[];
  /** Error codes meaning the user withdrew a permission (TikTok `scope_not_authorized`). */
  permissionErrors?: readonly string[];
  /** Error codes meaning the account is gone. */
  accountGoneErrors?: readonly string[];
  /** The user-facing reason when the connection has no refresh token. */
  noRefreshTokenReason(expiresAt: Date | null): string;
  timeoutMs?: number;
}

interface TokenResponseBody {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  refresh_expires_in?: unknown;
  refresh_token_expires_in?: unknown;
  scope?: unknown;
  token_type?: unknown;
  error?: unknown;
}

const DEFAULT_PERMISSION_ERRORS = ['access_denied', 'scope_not_authorized'];

/**
 * The `grant_type=refresh_token` refresher of X, TikTok and LinkedIn. Plans from the lifetimes
 * the platform returned (`expires_in`, `refresh_expires_in`), stores rotated refresh tokens,
 * and reports refusals as TokenRefreshErrors without the response's text.
 */
export class OAuthTokenRefresher implements TokenRefresher {
  readonly platform: Platform;
  private readonly label: string;
  private readonly dead: ReadonlySet<string>;
  private readonly permission: ReadonlySet<string>;
  private readonly gone: ReadonlySet<string>;

  constructor(private readonly settings: OAuthRefreshSettings) {
    this.platform = settings.platform;
    this.label = GRAPH_PLATFORM_LABELS[settings.platform];
    this.dead = new Set(settings.deadTokenErrors ?? ['invalid_grant']);
    this.permission = new Set(settings.permissionErrors ?? DEFAULT_PERMISSION_ERRORS);
    this.gone = new Set(settings.accountGoneErrors ?? []);
  }

  plan(tokens: RefreshableTokens, now: Date): RefreshPlan {
    const expiresAt = instant(tokens.expiresAt);
    const refreshExpiresAt = instant(tokens.refreshExpiresAt);
    if (!tokens.refreshToken) {
      return noRefresh(this.settings.noRefreshTokenReason(expiresAt), expiresAt);
    }
    if (refreshExpiresAt !== null && refreshExpiresAt.getTime() <= now.getTime()) {
      const before =
        expiresAt !== null && expiresAt.getTime() > now.getTime()
          ? ` before ${shownDate(expiresAt)}`
          : '';
      return noRefresh(
        `The ${this.label} refresh token expired at ${shownDate(refreshExpiresAt)}: reconnect the account${before}.`,
        expiresAt,
      );
    }
    const candidates: number[] = [];
    if (expiresAt !== null) {
      const issuedAt = instant(tokens.issuedAt);
      candidates.push(scheduledRefreshAt(expiresAt, issuedAt, this.settings.timing).getTime());
    }
    // Keep the refresh token itself alive: refresh before it lapses, whatever the access token.
    if (refreshExpiresAt !== null) {
      candidates.push(refreshExpiresAt.getTime() - this.settings.timing.marginMs);
    }
    if (candidates.length === 0) {
      return noRefresh(
        `${this.label} gave this token no expiry: there is nothing to refresh.`,
        null,
      );
    }
    return { kind: 'refresh', refreshAt: new Date(Math.min(...candidates)), expiresAt };
  }

  async refresh(tokens: RefreshableTokens, now: Date): Promise<RefreshedTokens> {
    const plan = this.plan(tokens, now);
    if (plan.kind === 'no-refresh' || !tokens.refreshToken) {
      const reason = plan.kind === 'no-refresh' ? plan.reason : 'No refresh token';
      if (plan.expiresAt !== null && plan.expiresAt.getTime() <= now.getTime()) {
        throw new TokenRefreshError('TOKEN_INVALID', this.platform, reason, null, null);
      }
      throw new RefreshNotDueError(this.platform, reason, null);
    }
    const body = await this.post(tokens.refreshToken, now);
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw this.failure(
        'PLATFORM_UNAVAILABLE',
        'answered the refresh without an access token',
        200,
      );
    }
    const returned =
      typeof body.refresh_token === 'string' && body.refresh_token !== ''
        ? body.refresh_token
        : null;
    // A rotating platform that returns no new refresh token has still consumed the old one.
    const refreshToken = returned ?? (this.settings.rotates ? null : tokens.refreshToken);
    const refreshExpiresIn = seconds(body.refresh_expires_in ?? body.refresh_token_expires_in);
    const refreshExpiresAt =
      refreshExpiresIn !== null
        ? addSeconds(now, refreshExpiresIn)!.toISOString()
        : refreshToken !== null && refreshToken === tokens.refreshToken
          ? tokens.refreshExpiresAt
          : null;
    const tokenType = typeof body.token_type === 'string' ? body.token_type : tokens.tokenType;
    return {
      accessToken: body.access_token,
      refreshToken,
      ...(tokenType !== undefined ? { tokenType } : {}),
      scopes:
        typeof body.scope === 'string'
          ? body.scope.split(/[\s,]+/).filter(Boolean)
          : [...tokens.scopes],
      expiresAt: addSeconds(now, seconds(body.expires_in))?.toISOString() ?? null,
      refreshExpiresAt,
      issuedAt: now.toISOString(),
    };
  }

  private async post(refreshToken: string, now: Date): Promise<TokenResponseBody> {
    const { settings } = this;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    if (settings.auth === 'client_secret_basic') {
      const credentials = `${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    } else {
      form.set(settings.clientIdParameter ?? 'client_id', settings.clientId);
      form.set('client_secret', settings.clientSecret);
    }
    let response: Response;
    try {
      response = await boundedFetch(
        settings.tokenUrl,
        {
          method: 'POST',
          headers,
          body: form.toString(),
          redirect: 'error',
        },
        settings.timeoutMs,
      );
    } catch (cause) {
      throw this.failure(
        'PLATFORM_UNAVAILABLE',
        `token endpoint ${unansweredReason(cause)}`,
        null,
        {
          cause: safeCause(cause),
        },
      );
    }
    const parsed = await readJsonBody(response);
    const body =
      typeof parsed === 'object' && parsed !== null ? (parsed as TokenResponseBody) : null;
    const oauthError = plainErrorCode(body?.error);
    // TikTok may refuse with a 2xx carrying {error, error_description, log_id}.
    const refused = body !== null && body.error !== undefined && body.access_token === undefined;
    if (!response.ok || refused) {
      throw this.classify(response.status, oauthError, response.headers, now);
    }
    if (body === null) {
      throw this.failure(
        'PLATFORM_UNAVAILABLE',
        'answered the refresh without JSON',
        response.status,
      );
    }
    return body;
  }

  /** Where a refused refresh lands in the contract's codes (public for tests and callers). */
  classify(
    status: number,
    oauthError: string | null,
    headers: Headers,
    now: Date,
  ): TokenRefreshError {
    const ref = `${oauthError ? `${oauthError}, ` : ''}HTTP ${status}`;
    const fail = (code: PlatformApiErrorCode, what: string, retryAt: Date | null = null) =>
      new TokenRefreshError(
        code,
        this.platform,
        `${this.label} ${what} (${ref})`,
        status,
        oauthError,
        retryAt,
      );
    if (oauthError !== null) {
      if (this.dead.has(oauthError)) {
        return fail('TOKEN_INVALID', 'refused the refresh token: it is used, revoked or expired');
      }
      if (this.permission.has(oauthError)) {
        return fail('INSUFFICIENT_PERMISSIONS', 'refused the refresh: a permission was withdrawn');
      }
      if (this.gone.has(oauthError)) {
        return fail('ACCOUNT_NOT_FOUND', 'says the account no longer exists');
      }
      if (oauthError === 'rate_limit_exceeded') {
        return fail('PLATFORM_RATE_LIMITED', 'rate limit reached', retryAfter(headers, now));
      }
      if (oauthError === 'invalid_client' || oauthError === 'unauthorized_client') {
        // This service's credentials, not the account: every connection would fail alike.
        return fail(
          'PLATFORM_UNAVAILABLE',
          `refused this service's client credentials: check ${this.platform.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET`,
        );
      }
      if (/cap|quota|limit/i.test(oauthError)) {
        return fail(
          'PLATFORM_UNAVAILABLE',
          'refused the app, not the account (an app-wide cap): try again later',
          retryAfter(headers, now),
        );
      }
    }
    if (status === 429) {
      return fail('PLATFORM_RATE_LIMITED', 'rate limit reached', retryAfter(headers, now));
    }
    if (status >= 500) return fail('PLATFORM_UNAVAILABLE', 'token endpoint failed');
    if (status === 403) {
      return fail('INSUFFICIENT_PERMISSIONS', 'refused the refresh: the app lost its permissions');
    }
    // Anything else (a malformed request of ours, a misconfigured URL): not the account's fault.
    return fail('PLATFORM_UNAVAILABLE', 'refused the refresh request');
  }

  private failure(
    code: PlatformApiErrorCode,
    what: string,
    status: number | null,
    options?: { cause?: unknown },
  ): TokenRefreshError {
    return new TokenRefreshError(
      code,
      this.platform,
      `${this.label} ${what}`,
      status,
      null,
      null,
      options,
    );
  }
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unusable. */
export function retryAfter(headers: Headers, now: Date): Date | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs > 0) return new Date(now.getTime() + secs * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : new Date(date);
}

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
