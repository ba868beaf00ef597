import type { IncomingHttpHeaders } from 'node:http';
import type { PlatformOAuthTraits } from '@ledger/platforms';

/** What the sandbox's token endpoint grants for one code (or refresh). */
export interface SandboxGrant {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number;
  refreshExpiresIn: number | null;
  scope: string[];
}

/** One request to a sandbox platform's API, as its identity client sends it. */
export interface SandboxApiRequest {
  /** Under the platform's API base, without a leading slash: `2/users/me`, `me/accounts`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The sandbox app's credentials at this platform (Meta's long-lived exchanges check them). */
  client: { id: string; secret: string };
  /** The scopes of a live access token this sandbox issued for this platform, else null. */
  grantOf(token: string | undefined): { scope: string[] } | null;
  /** A new access token for this platform, valid only against the sandbox (null: no expiry). */
  issue(scope: string[], lifetimeSeconds: number | null): string;
}

export interface SandboxAnswer {
  status: number;
  body: unknown;
}

/**
 * One platform as the sandbox plays it: its real OAuth traits (how the client authenticates,
 * PKCE), the shape of its token answer, and the few API endpoints its identity client calls,
 * answering deterministic accounts whose names start with "Sandbox".
 */
export interface SandboxPlatform {
  /** As the consent page names the platform: "SANDBOX — not <label>". */
  label: string;
  traits: PlatformOAuthTraits;
  accessTokenTtl: number;
  /** Null: the platform issues no refresh tokens. */
  refreshTokenTtl: number | null;
  /** What the consent page says will be shared. */
  accounts: readonly string[];
  tokenAnswer(grant: SandboxGrant): Record<string, unknown>;
  api(request: SandboxApiRequest): SandboxAnswer;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer (\S+)$/i.exec(headers.authorization ?? '')?.[1];
}

export const ok = (body: unknown): SandboxAnswer => ({ status: 200, body });
