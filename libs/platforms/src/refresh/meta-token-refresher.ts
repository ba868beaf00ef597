import type { Platform } from '@ledger/domain';
import type { GraphClient } from '../meta/graph-client';
import { GRAPH_PLATFORM_LABELS } from '../meta/graph-errors';
import { TokenRefreshError } from './refresh-errors';
import {
  DAY_MS,
  HOUR_MS,
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

/** Day 45 of a 60-day token (75 % of its life); 15 days before expiry when the age is unknown. */
export const META_REFRESH_TIMING: RefreshTiming = { lifeFraction: 0.75, marginMs: 15 * DAY_MS };
/** Meta refreshes Instagram and Threads tokens only once they are at least 24 hours old. */
export const META_MINIMUM_REFRESH_AGE_MS = 24 * HOUR_MS;
/**
 * Unknown issue time: old enough once the token expires within 50 days (see
 * `MetaRefreshSettings.unknownAgeWindowMs`).
 */
export const META_UNKNOWN_AGE_WINDOW_MS = 50 * DAY_MS;

/** How one Meta host renews a long-lived token: a GET carrying the token itself. */
export interface MetaRefreshSettings {
  platform: Extract<Platform, 'facebook' | 'instagram' | 'threads'>;
  graph: GraphClient;
  /** The renewing call for `accessToken`: path under the API base and query (secrets inside). */
  request(accessToken: string): { path: string; query: Record<string, string> };
  timing: RefreshTiming;
  /**
   * Meta's documented minimum age before a refresh (24 h for `ig_refresh_token` and
   * `th_refresh_token`); 0 where there is none (Facebook's `fb_exchange_token`).
   */
  minimumAgeMs: number;
  /**
   * When the issue time is unknown, the token counts as old enough only once it expires within
   * this window (50 days: a token Meta issued for about 60 days is then at least 10 days old).
   */
  unknownAgeWindowMs: number;
  /** The reason when the token has no expiry (Facebook Page tokens). */
  nonExpiringReason: string;
}

interface MetaTokenBody {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

/**
 * Meta's long-lived tokens (Instagram, Threads, a Facebook user token) have no refresh token:
 * the access token itself is renewed before it lapses, and an expired one cannot be (the
 * user logs in again). Errors are Graph's, classified by GraphClient (190: TOKEN_INVALID,
 * 10/200-299: INSUFFICIENT_PERMISSIONS, 803 and 100/33: ACCOUNT_NOT_FOUND, rate limits and
 * outages transient).
 */
export class MetaTokenRefresher implements TokenRefresher {
  readonly platform: MetaRefreshSettings['platform'];
  private readonly label: string;

  constructor(private readonly settings: MetaRefreshSettings) {
    this.platform = settings.platform;
    this.label = GRAPH_PLATFORM_LABELS[settings.platform];
  }

  plan(tokens: RefreshableTokens, now: Date): RefreshPlan {
    const expiresAt = instant(tokens.expiresAt);
    if (expiresAt === null) return noRefresh(this.settings.nonExpiringReason, null);
    if (expiresAt.getTime() <= now.getTime()) {
      return noRefresh(
        `The ${this.label} token expired at ${shownDate(expiresAt)} and cannot be refreshed: reconnect the account.`,
        expiresAt,
      );
    }
    const issuedAt = instant(tokens.issuedAt);
    const earliest = this.earliest(expiresAt, issuedAt);
    const scheduled = scheduledRefreshAt(expiresAt, issuedAt, this.settings.timing).getTime();
    const refreshAt = Math.max(scheduled, earliest?.getTime() ?? -Infinity);
    if (refreshAt >= expiresAt.getTime()) {
      return noRefresh(
        `The ${this.label} token expires at ${shownDate(expiresAt)}, before ${this.label} allows refreshing it: reconnect the account before then.`,
        expiresAt,
      );
    }
    return { kind: 'refresh', refreshAt: new Date(refreshAt), expiresAt };
  }

  async refresh(tokens: RefreshableTokens, now: Date): Promise<RefreshedTokens> {
    const plan = this.plan(tokens, now);
    if (plan.kind === 'no-refresh') {
      if (plan.expiresAt !== null && plan.expiresAt.getTime() <= now.getTime()) {
        throw new TokenRefreshError('TOKEN_INVALID', this.platform, plan.reason, null, null);
      }
      throw new RefreshNotDueError(this.platform, plan.reason, null);
    }
    const earliest = this.earliest(plan.expiresAt!, instant(tokens.issuedAt));
    if (earliest !== null && earliest.getTime() > now.getTime()) {
      throw new RefreshNotDueError(
        this.platform,
        `${this.label} refreshes a token only once it is at least ${Math.round(this.settings.minimumAgeMs / HOUR_MS)} hours old: not before ${shownDate(earliest)}.`,
        earliest,
      );
    }
    const { path, query } = this.settings.request(tokens.accessToken);
    const body = await this.settings.graph.get<MetaTokenBody>({
      path,
      query,
      accessToken: null,
      what: 'refreshing the access token',
    });
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw this.settings.graph.unavailable('answered the token refresh without a token', 200);
    }
    const tokenType = typeof body.token_type === 'string' ? body.token_type : tokens.tokenType;
    return {
      accessToken: body.access_token,
      refreshToken: tokens.refreshToken,
      ...(tokenType !== undefined ? { tokenType } : {}),
      scopes: [...tokens.scopes],
      expiresAt: addSeconds(now, seconds(body.expires_in))?.toISOString() ?? null,
      refreshExpiresAt: tokens.refreshExpiresAt,
      issuedAt: now.toISOString(),
    };
  }

  /** The first instant Meta accepts a refresh; null when any time before expiry will do. */
  private earliest(expiresAt: Date, issuedAt: Date | null): Date | null {
    if (this.settings.minimumAgeMs <= 0) return null;
    if (issuedAt !== null) return new Date(issuedAt.getTime() + this.settings.minimumAgeMs);
    return new Date(expiresAt.getTime() - this.settings.unknownAgeWindowMs);
  }
}
