import type { Platform } from '@ledger/domain';
import type { ConnectionTokens } from '@ledger/token-vault';

/**
 * A connection's tokens as the refresh job hands them over: what the vault keeps, plus, when
 * the job knows it, when the access token was issued (the connection's connect or last refresh
 * time). The vault does not keep `issuedAt` (ConnectionTokens has no such field and
 * `normalizeTokens` drops unknown ones), so every refresher also plans without it.
 */
export type RefreshableTokens = ConnectionTokens & {
  /** ISO 8601 instant the access token was issued; absent or null when unknown. */
  issuedAt?: string | null;
};

/** What a refresh yields: the new tokens for the vault, and when the platform issued them. */
export type RefreshedTokens = ConnectionTokens & {
  /** ISO 8601; the refresh's `now`. Keep it beside the vault to plan the next refresh exactly. */
  issuedAt: string;
};

/**
 * When to refresh a connection's tokens next, or why they cannot be refreshed.
 *
 * - `refresh`: refresh at `refreshAt` (already past: due now). `expiresAt` is when the access
 *   token stops working if nothing is done.
 * - `no-refresh`: nothing the job can do; `reason` says why, in the product's words, and
 *   `expiresAt` when the connection becomes `expired` (null: it does not expire). An
 *   `expiresAt` already past means the connection is expired now.
 */
export type RefreshPlan =
  | { kind: 'refresh'; refreshAt: Date; expiresAt: Date | null }
  | { kind: 'no-refresh'; refreshAt: null; reason: string; expiresAt: Date | null };

/**
 * Per platform: when and how a connection's tokens are renewed. Framework-free; the scheduled
 * job that drives it must hold a per-connection lease, because X and TikTok rotate refresh
 * tokens and two concurrent refreshes leave the loser with a dead token for good. The job also
 * stores the returned tokens before anything else uses them.
 */
export interface TokenRefresher {
  readonly platform: Platform;
  plan(tokens: RefreshableTokens, now: Date): RefreshPlan;
  /**
   * Renews the tokens at the platform. Rejects with a PlatformError (see `refreshOutcome` for
   * what the job should make of it), or a RefreshNotDueError when the plan forbids refreshing
   * now (a Meta token under 24 hours old, a LinkedIn token without refresh token).
   */
  refresh(tokens: RefreshableTokens, now: Date): Promise<RefreshedTokens>;
}

/** How early to refresh, from what the platform returned (never a hard-coded lifetime). */
export interface RefreshTiming {
  /**
   * With a known issue time: refresh once this share of the token's life has passed
   * (0.8: at 80 %; 0.75 of a 60-day token: day 45).
   */
  lifeFraction: number;
  /** Without a known issue time: refresh this long before the access token expires. */
  marginMs: number;
}

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** `refresh()` was called when the plan says not to (too early, or nothing to refresh with). */
export class RefreshNotDueError extends Error {
  constructor(
    readonly platform: Platform,
    /** Why, in the product's words; never a token. */
    reason: string,
    /** The earliest instant a refresh may succeed; null when it never will. */
    readonly retryAt: Date | null,
  ) {
    super(reason);
    this.name = 'RefreshNotDueError';
  }
}

/** When to refresh an access token that expires at `expiresAt`. */
export function scheduledRefreshAt(
  expiresAt: Date,
  issuedAt: Date | null,
  timing: RefreshTiming,
): Date {
  if (issuedAt !== null && issuedAt.getTime() < expiresAt.getTime()) {
    const life = expiresAt.getTime() - issuedAt.getTime();
    return new Date(issuedAt.getTime() + life * timing.lifeFraction);
  }
  return new Date(expiresAt.getTime() - timing.marginMs);
}

/** An ISO instant or null as a Date; an unparsable value counts as unknown. */
export function instant(value: string | null | undefined): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** `expires_in`-like seconds from a token response: a positive finite number, or null. */
export function seconds(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

export function addSeconds(now: Date, value: number | null): Date | null {
  return value === null ? null : new Date(now.getTime() + value * 1000);
}

/** The date as users read it in reasons: an ISO 8601 instant, unambiguous in every locale. */
export function shownDate(date: Date): string {
  return date.toISOString();
}

export function noRefresh(reason: string, expiresAt: Date | null): RefreshPlan {
  return { kind: 'no-refresh', refreshAt: null, reason, expiresAt };
}
