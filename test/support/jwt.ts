import { sign, type Algorithm } from 'jsonwebtoken';

export type TestRole = 'owner' | 'admin' | 'editor' | 'auditor';

export interface TestClaims {
  sub: string;
  workspaces: Record<string, TestRole | string>;
  [claim: string]: unknown;
}

export interface SignTestTokenOptions {
  /** Seconds or a vercel/ms string; default one hour. Negative numbers give an expired token. */
  expiresIn?: number | `${number}${'s' | 'm' | 'h' | 'd'}`;
  algorithm?: Algorithm;
}

/** A token as the identity provider would issue it (HS256 with the API's JWT_SECRET). */
export function signTestToken(
  claims: TestClaims,
  secret: string,
  opts: SignTestTokenOptions = {},
): string {
  const { expiresIn = 3600, algorithm = 'HS256' } = opts;
  if (typeof expiresIn === 'number' && expiresIn < 0) {
    // jsonwebtoken refuses negative expiresIn; set exp in the past directly.
    const exp = Math.floor(Date.now() / 1000) + expiresIn;
    return sign({ ...claims, exp }, secret, { algorithm });
  }
  return sign(claims, secret, { algorithm, expiresIn });
}

/** An unsigned token (`alg: none`), as an attacker would forge it. */
export function unsignedTestToken(claims: TestClaims): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iat: now, exp: now + 3600, ...claims })}.`;
}
