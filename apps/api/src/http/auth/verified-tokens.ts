import type { JwtPayload } from 'jsonwebtoken';

/**
 * Tokens whose signature, algorithm, audience and issuer were verified, with their payload.
 * A client sends the same token on every request until it expires; checking its HMAC again
 * each time was the largest single cost of the HTTP edge (docs/decisions/0021). Only the
 * checks that cannot change for a token are skipped on a hit: the ones that depend on the
 * clock (exp, nbf, the lifetime bound) run on every request.
 *
 * An entry is found only by the whole token (signature included) under the same secret,
 * audience and issuer, so a forged or re-signed token never matches one. Bounded: past
 * `capacity` the oldest entry goes.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { policy: string; payload: JwtPayload }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string, policy: string): JwtPayload | undefined {
    const entry = this.entries.get(token);
    return entry?.policy === policy ? entry.payload : undefined;
  }

  remember(token: string, policy: string, payload: JwtPayload): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { policy, payload });
  }

  forget(token: string): void {
    this.entries.delete(token);
  }
}
