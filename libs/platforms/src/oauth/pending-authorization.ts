import { randomBytes } from 'node:crypto';
import type { Platform } from '@ledger/domain';

/**
 * What the user meant to do when they left for the platform's consent screen, and where the
 * browser goes afterwards (`returnTo`, one of the configured redirect URLs; absent: JSON).
 */
export type OAuthIntent = (
  | { kind: 'connect' }
  | { kind: 'reconnect'; connectionId: string }
  | { kind: 'copy'; sourceWorkspaceId: string; sourceConnectionId: string }
) & { returnTo?: string };

/** Who started the flow, for the event metadata of the command the callback runs. */
export interface ActorMetadata {
  role: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * An OAuth flow between `start` and its callback. Kept server-side (not in a cookie)
 * so any API process can finish a flow another began.
 */
export interface PendingAuthorization {
  /** 256 random bits, base64url: the `state` parameter and the record's key. */
  state: string;
  platform: Platform;
  userId: string;
  workspaceId: string;
  intent: OAuthIntent;
  /** PKCE verifier (null where the platform has no PKCE). Secret: never log it. */
  codeVerifier: string | null;
  createdAt: Date;
  expiresAt: Date;
  actor: ActorMetadata;
  /**
   * SHA-256 (base64url) of the nonce in the starting browser's binding cookie; the callback
   * completes only for that browser or the starter's bearer (docs/decisions/0008). Null: only
   * the starter's bearer can complete the flow.
   */
  browserBindingHash: string | null;
}

/** A pending authorization as handed back to callers once used: verifier and binding hash have no further purpose. */
export type AuthorizationBinding = Omit<
  PendingAuthorization,
  'codeVerifier' | 'browserBindingHash'
>;

export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

export interface PendingAuthorizationStore {
  save(pending: PendingAuthorization): Promise<void>;
  /**
   * Removes and returns the entry for `state`, at most once even under concurrent calls
   * from several processes; null when unknown, already taken, or expired at `now`.
   */
  take(state: string, now: Date): Promise<PendingAuthorization | null>;
  /** Removes every pending authorization of the workspace (breach response); returns how many. */
  cancelWorkspace(workspaceId: string): Promise<number>;
}

/** A state that is already pending: never overwritten, so a flow cannot be hijacked. */
export class PendingAuthorizationExistsError extends Error {
  constructor() {
    super('A pending authorization with this state already exists');
    this.name = 'PendingAuthorizationExistsError';
  }
}

export function newOAuthState(): string {
  return randomBytes(32).toString('base64url');
}

export function withoutVerifier(pending: PendingAuthorization): AuthorizationBinding {
  const { codeVerifier: _secret, browserBindingHash: _used, ...binding } = pending;
  return binding;
}
