import { randomBytes } from 'node:crypto';
import type { Platform } from '@ledger/domain';

/** Authorization codes work once, within this long (real platforms: 30 s to 10 min). */
export const SANDBOX_CODE_TTL_MS = 2 * 60 * 1000;

export interface SandboxCode {
  platform: Platform;
  redirectUri: string;
  scope: string[];
  /** S256 challenge, when the client sent one. */
  codeChallenge: string | null;
}

interface Issued<T> {
  value: T;
  /** Epoch ms; null: never expires (Facebook Page tokens). */
  expiresAt: number | null;
}

interface SandboxToken {
  platform: Platform;
  kind: 'access' | 'refresh';
  scope: string[];
}

/**
 * The codes and tokens the sandbox issued, in memory: random, single-use codes; tokens that are
 * only valid against the sandbox, for the one platform that issued them. A restart forgets them
 * (the connections made with them then show as broken at their next health check).
 */
export class SandboxGrants {
  private readonly codes = new Map<string, Issued<SandboxCode>>();
  private readonly tokens = new Map<string, Issued<SandboxToken>>();
  private lastPurge = 0;

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(code: SandboxCode): string {
    this.purge();
    const value = random('code');
    this.codes.set(value, { value: code, expiresAt: this.now() + SANDBOX_CODE_TTL_MS });
    return value;
  }

  /** The code's grant, once: a second presentation, or one after expiry, finds nothing. */
  takeCode(platform: Platform, code: string): SandboxCode | null {
    const issued = this.codes.get(code);
    this.codes.delete(code);
    return issued && this.live(issued) && issued.value.platform === platform ? issued.value : null;
  }

  issueToken(
    platform: Platform,
    kind: SandboxToken['kind'],
    scope: string[],
    lifetimeSeconds: number | null,
  ): string {
    this.purge();
    const value = random(`${platform}.${kind}`);
    const expiresAt = lifetimeSeconds === null ? null : this.now() + lifetimeSeconds * 1000;
    this.tokens.set(value, { value: { platform, kind, scope }, expiresAt });
    return value;
  }

  /** The scopes of a live access token issued for `platform`, else null. */
  accessGrant(platform: Platform, token: string | undefined): { scope: string[] } | null {
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (!issued || !this.live(issued)) return null;
    const { value } = issued;
    return value.platform === platform && value.kind === 'access' ? { scope: value.scope } : null;
  }

  /** A refresh token's scopes, once: refresh tokens rotate (X, TikTok). */
  takeRefreshToken(platform: Platform, token: string): { scope: string[] } | null {
    const issued = this.tokens.get(token);
    if (!issued || issued.value.kind !== 'refresh' || issued.value.platform !== platform) {
      return null;
    }
    this.tokens.delete(token);
    return this.live(issued) ? { scope: issued.value.scope } : null;
  }

  /** Forgets a token issued for `platform` (a disconnect revoking it); true when it was known. */
  revoke(platform: Platform, token: string): boolean {
    const issued = this.tokens.get(token);
    if (!issued || issued.value.platform !== platform) return false;
    return this.tokens.delete(token);
  }

  private live(issued: Issued<unknown>): boolean {
    return issued.expiresAt === null || issued.expiresAt > this.now();
  }

  /** Drops what expired, at most once a minute. */
  private purge(): void {
    const now = this.now();
    if (now - this.lastPurge < 60_000) return;
    this.lastPurge = now;
    for (const map of [this.codes, this.tokens] as Map<string, Issued<unknown>>[]) {
      for (const [key, issued] of map) if (!this.live(issued)) map.delete(key);
    }
  }
}

function random(prefix: string): string {
  return `sandbox.${prefix}.${randomBytes(32).toString('base64url')}`;
}
