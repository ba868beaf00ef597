/** A response as first sent, replayed verbatim for a retry with the same key. */
export interface StoredResponse {
  status: number;
  /** Only headers worth replaying (Location, ETag, Content-Type...), lower-case names. */
  headers: Record<string, string>;
  /** The JSON body (null when there was none). */
  body: unknown;
}

export type ClaimOutcome =
  /** The caller owns the key now and must complete or release it with `token`. */
  | { kind: 'claimed'; token: string }
  /** Another request holds the key and has not finished; its claim lasts until `leaseUntil`. */
  | { kind: 'in_flight'; fingerprint: string; leaseUntil: Date }
  /** A request with this key finished; its response is stored. */
  | { kind: 'completed'; fingerprint: string; response: StoredResponse };

/** Who claims a key: recorded with an in-flight claim, so a retry can see its holder died. */
export interface Claimant {
  /** The claiming process's instance id (`processInstanceId()` of @ledger/leases). */
  holder: string;
  /** True when an in-flight claim's holder is known dead: the claim is taken over at once. */
  holderIsGone?: (holder: string) => boolean;
}

/**
 * Where Idempotency-Key records live. `id` already combines user and key; `fingerprint`
 * identifies method, path and body. Records carry an expiry: an in-flight claim expires after
 * its short lease unless its holder renews it (its process died otherwise), a completed one
 * after the retention period; an expired record counts as absent and the next claim replaces
 * it, and so does an in-flight one whose holder the claimant knows is gone.
 */
export interface IdempotencyStore {
  /** Atomic: of two concurrent claims of one id, exactly one gets `claimed`. */
  claim(
    id: string,
    fingerprint: string,
    now: Date,
    leaseUntil: Date,
    claimant?: Claimant,
  ): Promise<ClaimOutcome>;
  /**
   * Extends a running claim to `leaseUntil`, while its request runs; false when the claim was
   * lost (taken over, released or completed).
   */
  renew(id: string, token: string, leaseUntil: Date): Promise<boolean>;
  /** Stores the response; false when the claim was lost (lease expired and taken over). */
  complete(id: string, token: string, response: StoredResponse, expiresAt: Date): Promise<boolean>;
  /** Drops an in-flight claim so that a retry runs the request again. */
  release(id: string, token: string): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

/** Injection token for the IdempotencyStore used by IdempotencyInterceptor. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
