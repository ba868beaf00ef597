import { createSecretKey, type KeyObject } from 'node:crypto';
import { verify, type JwtPayload } from 'jsonwebtoken';

/** Roles a user holds in a workspace (ARCHITECTURE.md, "Authentication"). */
export const ROLES = ['owner', 'admin', 'editor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** What a verified access token says about its bearer. */
export interface AccessClaims {
  userId: string;
  /** Workspace id -> role. Roles this service does not know are dropped: they grant nothing. */
  workspaces: Record<string, Role>;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies an HS256 JWT and reads its claims. Only HS256 is accepted (no `none`, no RS/HS
 * confusion); `exp` and `nbf` are enforced when present.
 */
export function verifyAccessToken(token: string, secret: string): AccessClaims {
  let payload: JwtPayload | string;
  try {
    payload = verify(token, secretKeyFor(secret), { algorithms: ['HS256'] });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    throw new InvalidTokenError(
      name === 'TokenExpiredError' ? 'The token has expired' : 'The token is not valid',
    );
  }
  if (typeof payload !== 'object' || typeof payload.sub !== 'string' || payload.sub === '') {
    throw new InvalidTokenError('The token has no subject');
  }
  const raw: unknown = payload.workspaces;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidTokenError('The token has no workspaces claim');
  }
  const workspaces: Record<string, Role> = Object.create(null);
  for (const [workspaceId, role] of Object.entries(raw)) {
    if (isRole(role)) workspaces[workspaceId] = role;
  }
  return { userId: payload.sub, workspaces };
}

let lastKey: { secret: string; key: KeyObject } | null = null;

/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as
 * a public key on every call, which cost a quarter of the API's CPU under load.
 */
function secretKeyFor(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret)) };
  return lastKey.key;
}
