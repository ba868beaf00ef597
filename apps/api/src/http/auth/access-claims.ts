import { createSecretKey, type KeyObject } from 'node:crypto';
import { verify, type JwtPayload } from 'jsonwebtoken';
import type { AppConfig } from '@ledger/runtime';
import { VerifiedTokens } from './verified-tokens';

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

/** What a token must satisfy: the settings of that name in AppConfig. */
export type AccessTokenPolicy = Pick<
  AppConfig,
  'jwtSecret' | 'jwtMaxLifetimeSeconds' | 'jwtAudience' | 'jwtIssuer'
>;

/**
 * Verifies an HS256 JWT and reads its claims. Only HS256 is accepted (no `none`, no RS/HS
 * confusion); `exp` is required and bounds the token's lifetime (a stolen token is not good
 * for ever); `nbf` is enforced when present; `aud` and `iss` when configured.
 */
export function verifyAccessToken(
  token: string,
  policy: AccessTokenPolicy,
  now: Date = new Date(),
): AccessClaims {
  const payload = verifiedPayload(token, policy, Math.floor(now.getTime() / 1000));
  refuseUnboundedLifetime(payload, policy.jwtMaxLifetimeSeconds, now);
  if (typeof payload.sub !== 'string' || payload.sub === '') {
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

const verifiedTokens = new VerifiedTokens();

/**
 * The token's payload once its signature, algorithm, audience and issuer check out (once per
 * token: see VerifiedTokens), and its clock claims (`exp`, `nbf`) on every call, as
 * jsonwebtoken checks them.
 */
function verifiedPayload(token: string, policy: AccessTokenPolicy, clock: number): JwtPayload {
  const key = policyKeyOf(policy);
  const known = verifiedTokens.get(token, key);
  if (known) {
    if (typeof known.exp === 'number' && clock >= known.exp) {
      verifiedTokens.forget(token);
      throw new InvalidTokenError('The token has expired');
    }
    if (typeof known.nbf === 'number' && known.nbf > clock) {
      throw new InvalidTokenError('The token is not valid');
    }
    return known;
  }
  let payload: JwtPayload | string;
  try {
    payload = verify(token, secretKeyFor(policy.jwtSecret), {
      algorithms: ['HS256'],
      clockTimestamp: clock,
      ...(policy.jwtAudience ? { audience: policy.jwtAudience } : {}),
      ...(policy.jwtIssuer ? { issuer: policy.jwtIssuer } : {}),
    });
  } catch (error) {
    throw new InvalidTokenError(reasonFor(error));
  }
  if (typeof payload !== 'object') throw new InvalidTokenError('The token is not valid');
  verifiedTokens.remember(token, key, payload);
  return payload;
}

let lastPolicy: { policy: AccessTokenPolicy; key: string } | null = null;

/** What a verified signature depends on besides the token: secret, audience, issuer. */
function policyKeyOf(policy: AccessTokenPolicy): string {
  const last = lastPolicy?.policy;
  if (
    last?.jwtSecret === policy.jwtSecret &&
    last.jwtAudience === policy.jwtAudience &&
    last.jwtIssuer === policy.jwtIssuer
  ) {
    return lastPolicy!.key;
  }
  const key = JSON.stringify([
    policy.jwtSecret,
    policy.jwtAudience ?? null,
    policy.jwtIssuer ?? null,
  ]);
  lastPolicy = { policy: { ...policy }, key };
  return key;
}

/** Our words for jsonwebtoken's refusals: its messages can quote claims, never echoed. */
function reasonFor(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  if (name === 'TokenExpiredError') return 'The token has expired';
  if (message.startsWith('jwt audience invalid')) return 'The token is for another audience';
  if (message.startsWith('jwt issuer invalid')) return 'The token is from another issuer';
  return 'The token is not valid';
}

/**
 * exp is required, at most maxSeconds after iat, and never more than maxSeconds from now (a
 * token without iat, or one claiming to be issued in the future).
 */
function refuseUnboundedLifetime(payload: JwtPayload, maxSeconds: number, now: Date): void {
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new InvalidTokenError('The token has no expiry (exp)');
  }
  const nowSeconds = now.getTime() / 1000;
  const from =
    typeof payload.iat === 'number' && Number.isFinite(payload.iat)
      ? Math.min(payload.iat, nowSeconds)
      : nowSeconds;
  if (payload.exp - from > maxSeconds) {
    throw new InvalidTokenError(`The token lives longer than ${maxSeconds} seconds`);
  }
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
